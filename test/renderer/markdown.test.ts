import fc from 'fast-check';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { markdownToSafeTree, SafeMarkdown } from '../../renderer/src/components/markdown.js';

// Study instructions: Markdown shown as text formatting only. The XSS corpus (the one the e2e test
// puts in every screen, plus Markdown's own ways to smuggle links, images and HTML) must come out
// as text: no element but formatting ones, no attribute but <ol start>, no URL to load or follow.

const corpus = [
  '<script>window.__pwned = "script"</script>',
  '<img src=x onerror="window.__pwned = \'img\'">',
  '"><img src=x onerror=window.__pwned="attr-break">',
  '<svg onload="window.__pwned = \'svg\'"><circle r=1 /></svg>',
  '<a href="javascript:window.__pwned=\'link\'">click me</a>',
  '[md link](javascript:window.__pwned="md")',
  '[ref link][r]\n\n[r]: javascript:alert(1)',
  '<javascript:alert(1)>',
  '<https://evil.example/track>',
  '![tracking pixel](https://evil.example/pixel.png)',
  '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
  '<iframe src="javascript:window.__pwned=\'iframe\'"></iframe>',
  '<style>body { display: none }</style>',
  '<div style="position:fixed;inset:0">overlay</div>',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned=\'mxss\'">',
  '<details open ontoggle="window.__pwned=\'toggle\'">',
  '```html\n<script>alert(1)</script>\n```',
  '| a | <img src=x onerror=alert(1)> |\n|---|---|\n| [x](javascript:alert(1)) | ![i](http://e/i.png) |',
  '> <script>alert(1)</script>\n> > ![x](http://e/x.png)',
  '- [ ] <b onmouseover=alert(1)>task</b>\n- [x] done',
  '&lt;script&gt;alert(1)&lt;/script&gt; &#x3C;img src=x onerror=alert(1)&#x3E;',
  '**bold <img src=x onerror=alert(1)>** _em [l](vbscript:msgbox)_',
];

const allowedTags = new Set(['div', 'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 'del', 'code', 'pre', 'br', 'hr', 'blockquote', 'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td']);

/** Every tag and attribute of the rendered markup (React escapes text, so a `<` in text is `&lt;`). */
function elements(html: string): { tag: string; attrs: string }[] {
  return [...html.matchAll(/<\/?([a-zA-Z0-9]+)([^>]*)>/g)].map((m) => ({ tag: m[1]!.toLowerCase(), attrs: m[2]!.trim() }));
}

function checkSafe(html: string): void {
  for (const { tag, attrs } of elements(html)) {
    expect(allowedTags.has(tag), `tag <${tag}> in ${html}`).toBe(true);
    if (attrs !== '' && attrs !== '/') expect(attrs, `attributes of <${tag}>`).toMatch(/^(class="safe-markdown"|start="\d+")$/);
  }
}

describe('safe Markdown (study instructions)', () => {
  it('renders formatting: headings, emphasis, lists, quotes, code, tables, rules', () => {
    const html = renderToStaticMarkup(
      createElement(SafeMarkdown, {
        source: '# Protocol\n\nRead the **source** first, then _each_ critique.\n\n3. three\n4. four\n\n- a\n- b\n\n> quoted `code`\n\n```\nblock\n```\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n---\n~~old~~',
      }),
    );
    expect(html).toBe(
      '<div class="safe-markdown"><h1>Protocol</h1><p>Read the <strong>source</strong> first, then <em>each</em> critique.</p><ol start="3"><li>three</li><li>four</li></ol><ul><li>a</li><li>b</li></ul><blockquote><p>quoted <code>code</code></p></blockquote><pre><code>block</code></pre><table><thead><tr><th>x</th><th>y</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table><hr/><p><del>old</del></p></div>',
    );
  });

  it('links show their address as text, images their alt text, HTML its source: nothing to follow or load', () => {
    expect(renderToStaticMarkup(createElement(SafeMarkdown, { source: 'See [the guide](https://lab.example/guide) and ![diagram](https://lab.example/d.png).' }))).toBe(
      '<div class="safe-markdown"><p>See the guide (https://lab.example/guide) and [image: diagram].</p></div>',
    );
    expect(renderToStaticMarkup(createElement(SafeMarkdown, { source: 'Hi <b onclick="x()">there</b>' }))).toBe(
      '<div class="safe-markdown"><p>Hi &lt;b onclick=&quot;x()&quot;&gt;there&lt;/b&gt;</p></div>',
    );
  });

  it('the XSS corpus, alone and all together, renders as text inside formatting elements only', () => {
    for (const source of [...corpus, corpus.join('\n\n'), corpus.join(' ')]) {
      const html = renderToStaticMarkup(createElement(SafeMarkdown, { source }));
      checkSafe(html);
      // the tree holds no node type that could carry a URL or markup
      const types = JSON.stringify(markdownToSafeTree(source)).match(/"type":"[a-z]+"/g) ?? [];
      for (const t of types) expect(['"type":"text"', '"type":"code"', '"type":"break"', '"type":"rule"', '"type":"strong"', '"type":"em"', '"type":"del"', '"type":"paragraph"', '"type":"quote"', '"type":"heading"', '"type":"list"', '"type":"codeblock"', '"type":"table"']).toContain(t);
    }
  });

  it('property: any text, however nested or broken, renders only allowed elements and attributes', () => {
    const piece = fc.oneof(
      fc.constantFrom(...corpus, '> ', '- ', '1. ', '**', '_', '`', '```', '\n', '\n\n', '[', '](', ')', '![', '<', '>', '|', '---', '#'),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        checkSafe(renderToStaticMarkup(createElement(SafeMarkdown, { source: parts.join('') })));
      }),
      { numRuns: 300 },
    );
  });

  it('deep nesting is bounded (shown as text past 16 levels), not a stack overflow', () => {
    const deep = `${'> '.repeat(2000)}deep`;
    const html = renderToStaticMarkup(createElement(SafeMarkdown, { source: deep }));
    checkSafe(html);
    expect(html).toContain('deep');
    expect((html.match(/<blockquote>/g) ?? []).length).toBeLessThanOrEqual(17);
  });
});
