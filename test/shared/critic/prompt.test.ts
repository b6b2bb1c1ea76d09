import { describe, expect, it } from 'vitest';
import { checkTemplate, numberLines, renderPrompt } from '../../../shared/critic/prompt.js';

describe('prompt templates', () => {
  it('fills fields, keeps blocks of present fields only, and never expands a value as template', () => {
    const t = 'Q:{{#query}} {{query}}{{/query}}{{^query}} none{{/query}}\nOut: {{output}}';
    expect(renderPrompt(t, { kind: 'summary', output: 'o', query: 'why?' })).toBe('Q: why?\nOut: o');
    expect(renderPrompt(t, { kind: 'summary', output: 'o' })).toBe('Q: none\nOut: o');
    // model-facing text that looks like the template language stays literal
    expect(renderPrompt(t, { kind: 'summary', output: '{{query}} {{#query}}x{{/query}}', query: 'q' })).toBe('Q: q\nOut: {{query}} {{#query}}x{{/query}}');
    expect(renderPrompt('{{#code}}C{{/code}}{{#summary}}S{{/summary}}', { kind: 'code', output: '' })).toBe('C');
  });

  it('numbers lines for code (a final newline starts no line)', () => {
    expect(numberLines('a\nb\n')).toBe('1 | a\n2 | b');
    expect(numberLines(Array.from({ length: 10 }, (_, i) => `l${i}`).join('\n')).split('\n')[0]).toBe(' 1 | l0');
  });

  it('names the line of every problem: unknown fields, unclosed and mismatched blocks', () => {
    expect(checkTemplate('ok {{output}}')).toEqual([]);
    expect(checkTemplate('a\n{{ouput}}')).toEqual([expect.stringMatching(/^line 2: unknown field \{\{ouput\}\}/)]);
    expect(checkTemplate('{{#query}}\n{{/document}}')).toEqual([expect.stringMatching(/^line 2: \{\{\/document\}\} closes \{\{#query\}\} of line 1/)]);
    expect(checkTemplate('{{#query}} x')).toEqual(['line 1: {{#query}} is never closed']);
  });
});
