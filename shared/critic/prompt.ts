// Prompt templates: a researcher copies a default prompt (assets/prompts/*.md), edits it and passes
// it with --prompt. The template language is deliberately tiny and never evaluates anything:
//   {{name}}                 the field's text, inserted as it is (never expanded again)
//   {{#name}} … {{/name}}    the block, only when the field is present and not empty
//   {{^name}} … {{/name}}    the block, only when the field is absent or empty

/** The fields a prompt may use. */
export interface PromptFields {
  readonly kind: 'summary' | 'code';
  readonly title?: string | null;
  readonly output: string;
  readonly document?: string | null;
  readonly query?: string | null;
  readonly problem?: string | null;
  readonly base?: string | null;
  readonly language?: string | null;
}

/** Every field name a template may use. */
export const promptFieldNames = ['kind', 'title', 'output', 'output_numbered', 'document', 'query', 'problem', 'base', 'language', 'summary', 'code'] as const;

/** The output with 1-based line numbers (`  3 | …`), so a model can name lines. */
export function numberLines(text: string): string {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const width = String(lines.length).length;
  return lines.map((l, i) => `${String(i + 1).padStart(width)} | ${l}`).join('\n');
}

function values(fields: PromptFields): Record<string, string> {
  return {
    kind: fields.kind,
    title: fields.title ?? '',
    output: fields.output,
    output_numbered: numberLines(fields.output),
    document: fields.document ?? '',
    query: fields.query ?? '',
    problem: fields.problem ?? '',
    base: fields.base ?? '',
    language: fields.language ?? '',
    summary: fields.kind === 'summary' ? 'yes' : '',
    code: fields.kind === 'code' ? 'yes' : '',
  };
}

const known: ReadonlySet<string> = new Set(promptFieldNames);

/**
 * Checks a template: balanced blocks and known field names. Returns the problems (empty when it is
 * fine), each naming the line.
 */
export function checkTemplate(template: string): string[] {
  const problems: string[] = [];
  const open: { name: string; line: number }[] = [];
  const lineOf = (offset: number): number => template.slice(0, offset).split('\n').length;
  for (const m of template.matchAll(/\{\{([#^/]?)\s*([A-Za-z_]+)\s*\}\}/g)) {
    const [, sigil, name] = m;
    const line = lineOf(m.index);
    if (!known.has(name!)) problems.push(`line ${line}: unknown field {{${sigil}${name}}} (known: ${promptFieldNames.join(', ')})`);
    if (sigil === '#' || sigil === '^') open.push({ name: name!, line });
    else if (sigil === '/') {
      const top = open.pop();
      if (!top || top.name !== name) problems.push(`line ${line}: {{/${name}}} closes ${top ? `{{#${top.name}}} of line ${top.line}` : 'no open block'}`);
    }
  }
  for (const o of open) problems.push(`line ${o.line}: {{#${o.name}}} is never closed`);
  return problems;
}

/** Renders a template for one task (see the header). Assumes {@link checkTemplate} found no problem. */
export function renderPrompt(template: string, fields: PromptFields): string {
  const v = values(fields);
  // blocks first, innermost out: a block's body holds no other block once inner ones are rendered
  let text = template;
  for (let i = 0; i < 32; i++) {
    const next = text.replace(/\{\{([#^])\s*([A-Za-z_]+)\s*\}\}((?:(?!\{\{[#^/])[\s\S])*?)\{\{\/\s*\2\s*\}\}/g, (_all, sigil: string, name: string, body: string) => {
      const present = (v[name] ?? '') !== '';
      return (sigil === '#') === present ? body : '';
    });
    if (next === text) break;
    text = next;
  }
  // one pass over the placeholders: inserted values are never read as template text
  return text.replace(/\{\{\s*([A-Za-z_]+)\s*\}\}/g, (all, name: string) => (name in v ? v[name]! : all));
}

/** About how many tokens a text is (4 characters a token: the usual rule of thumb for English). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
