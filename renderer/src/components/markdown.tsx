import { Fragment, type ReactNode } from 'react';
import { Lexer, type Token, type Tokens } from 'marked';
import { assertNever } from '../../../shared/result.js';

// Study instructions are Markdown written by a researcher and shown to evaluators as text formatting
// only: headings, paragraphs, emphasis, lists, quotes, code, tables, rules. marked's lexer parses it
// (CommonMark and GitHub tables); this module turns its tokens into a small safe tree and the tree
// into React elements. Nothing here produces HTML strings, attributes from the text, URLs or images.

/** One node of instructions as shown: formatting and text only. */
export type SafeNode =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'code'; readonly text: string }
  | { readonly type: 'break' }
  | { readonly type: 'rule' }
  | { readonly type: 'strong' | 'em' | 'del' | 'paragraph' | 'quote'; readonly children: readonly SafeNode[] }
  | { readonly type: 'heading'; readonly level: 1 | 2 | 3 | 4 | 5 | 6; readonly children: readonly SafeNode[] }
  | { readonly type: 'list'; readonly ordered: boolean; readonly start: number; readonly items: readonly (readonly SafeNode[])[] }
  | { readonly type: 'codeblock'; readonly text: string }
  | { readonly type: 'table'; readonly header: readonly (readonly SafeNode[])[]; readonly rows: readonly (readonly (readonly SafeNode[])[])[] };

/** Deeper nesting than this (quotes in lists in quotes…) is shown as plain text: no reader needs it, and it bounds the recursion. */
const maxDepth = 16;

const text = (t: string): SafeNode => ({ type: 'text', text: t });

function inline(tokens: readonly Token[] | undefined, depth: number): SafeNode[] {
  return (tokens ?? []).flatMap((t) => inlineToken(t, depth));
}

function inlineToken(t: Token, depth: number): SafeNode[] {
  if (depth > maxDepth) return [text(t.raw)];
  switch (t.type) {
    case 'text':
    case 'escape':
      return 'tokens' in t && t.tokens && t.tokens.length > 0 ? inline(t.tokens, depth + 1) : [text((t as Tokens.Text).text)];
    case 'strong':
    case 'em':
    case 'del':
      return [{ type: t.type, children: inline((t as Tokens.Strong).tokens, depth + 1) }];
    case 'codespan':
      return [{ type: 'code', text: (t as Tokens.Codespan).text }];
    case 'br':
      return [{ type: 'break' }];
    case 'link': {
      // SECURITY: never a clickable link (it could navigate the app's window); the address is shown as text.
      const link = t as Tokens.Link;
      const label = inline(link.tokens, depth + 1);
      return [...label, text(` (${link.href})`)];
    }
    case 'image': {
      // SECURITY: no image is ever loaded (a remote image would tell a server who reads the instructions, and when).
      const image = t as Tokens.Image;
      return [text(`[image: ${image.text || image.href}]`)];
    }
    case 'html':
      // SECURITY: HTML in Markdown is shown as the text it is, never interpreted.
      return [text(t.raw)];
    default:
      return [text(t.raw)];
  }
}

function block(tokens: readonly Token[], depth: number): SafeNode[] {
  return tokens.flatMap((t) => blockToken(t, depth));
}

function blockToken(t: Token, depth: number): SafeNode[] {
  if (depth > maxDepth) return [{ type: 'paragraph', children: [text(t.raw)] }];
  switch (t.type) {
    case 'space':
    case 'def':
      return [];
    case 'heading': {
      const h = t as Tokens.Heading;
      return [{ type: 'heading', level: Math.min(6, Math.max(1, h.depth)) as 1 | 2 | 3 | 4 | 5 | 6, children: inline(h.tokens, depth + 1) }];
    }
    case 'paragraph':
      return [{ type: 'paragraph', children: inline((t as Tokens.Paragraph).tokens, depth + 1) }];
    case 'text': {
      // loose text in a list item: its inline tokens
      const tt = t as Tokens.Text;
      return [{ type: 'paragraph', children: tt.tokens ? inline(tt.tokens, depth + 1) : [text(tt.text)] }];
    }
    case 'blockquote':
      return [{ type: 'quote', children: block((t as Tokens.Blockquote).tokens, depth + 1) }];
    case 'list': {
      const l = t as Tokens.List;
      const start = typeof l.start === 'number' && Number.isSafeInteger(l.start) ? l.start : 1;
      return [
        {
          type: 'list',
          ordered: l.ordered,
          start,
          items: l.items.map((item) => [
            ...(item.task ? [text(item.checked ? '☑ ' : '☐ ')] : []),
            // a tight list's items are lines of text, not paragraphs
            ...item.tokens.flatMap((tok) =>
              tok.type === 'text' && !l.loose ? ('tokens' in tok && tok.tokens ? inline(tok.tokens, depth + 1) : [text((tok as Tokens.Text).text)]) : blockToken(tok, depth + 1),
            ),
          ]),
        },
      ];
    }
    case 'code':
      return [{ type: 'codeblock', text: (t as Tokens.Code).text }];
    case 'hr':
      return [{ type: 'rule' }];
    case 'table': {
      const table = t as Tokens.Table;
      return [{ type: 'table', header: table.header.map((c) => inline(c.tokens, depth + 1)), rows: table.rows.map((r) => r.map((c) => inline(c.tokens, depth + 1))) }];
    }
    case 'html':
      // SECURITY: an HTML block is shown as its source text.
      return [{ type: 'codeblock', text: t.raw }];
    default:
      return [{ type: 'paragraph', children: [text(t.raw)] }];
  }
}

/**
 * Markdown as a tree of formatting and text only: no HTML, no URLs to follow, no images to load.
 * Links become their text followed by the address in parentheses, images their alt text in brackets,
 * raw HTML its source text. Pure; the same input gives the same tree.
 */
export function markdownToSafeTree(markdown: string): SafeNode[] {
  // GitHub tables and strikethrough; no `mangle` or `headerIds` (they produce HTML attributes)
  const tokens = new Lexer({ gfm: true, breaks: false }).lex(markdown);
  return block(tokens, 0);
}

function renderInline(nodes: readonly SafeNode[]): ReactNode {
  return nodes.map((n, i) => <Fragment key={i}>{renderNode(n)}</Fragment>);
}

function renderNode(n: SafeNode): ReactNode {
  switch (n.type) {
    case 'text':
      return n.text;
    case 'code':
      return <code>{n.text}</code>;
    case 'break':
      return <br />;
    case 'rule':
      return <hr />;
    case 'strong':
      return <strong>{renderInline(n.children)}</strong>;
    case 'em':
      return <em>{renderInline(n.children)}</em>;
    case 'del':
      return <del>{renderInline(n.children)}</del>;
    case 'paragraph':
      return <p>{renderInline(n.children)}</p>;
    case 'quote':
      return <blockquote>{renderInline(n.children)}</blockquote>;
    case 'heading': {
      const H = `h${n.level}` as const;
      return <H>{renderInline(n.children)}</H>;
    }
    case 'list': {
      const items = n.items.map((item, i) => <li key={i}>{renderInline(item)}</li>);
      return n.ordered ? <ol start={n.start}>{items}</ol> : <ul>{items}</ul>;
    }
    case 'codeblock':
      return (
        <pre>
          <code>{n.text}</code>
        </pre>
      );
    case 'table':
      return (
        <table>
          <thead>
            <tr>
              {n.header.map((c, i) => (
                <th key={i}>{renderInline(c)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {n.rows.map((r, i) => (
              <tr key={i}>
                {r.map((c, j) => (
                  <td key={j}>{renderInline(c)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      );
    default:
      return assertNever(n, 'markdown node');
  }
}

/** Researcher-written Markdown (study instructions) as React elements: text formatting only (see {@link markdownToSafeTree}). */
export function SafeMarkdown({ source, className }: { readonly source: string; readonly className?: string }): React.JSX.Element {
  return <div className={className ?? 'safe-markdown'}>{renderInline(markdownToSafeTree(source))}</div>;
}
