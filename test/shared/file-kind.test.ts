import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { misplacedFileMessage, recognizeFile, recognizeValue, type FileKind } from '../../shared/file-kind.js';

const pack = { format: 'assay-pack', version: 2, requires: [], pack: { id: 'p' }, study: { id: 's', name: 'pilot' }, items: [{ task: { id: 't', kind: 'summary', output: 'x' } }], hash: 'h' };
const results = { format: 'assay-results', version: 2, requires: [], evaluator: 'ann', reviews: [{ record: { task: 't', evaluator: 'ann' } }], hash: 'h', mac: 'm' };
const task = { id: 't1', kind: 'summary', output: 'The council met.', critiques: [{ id: 'c1', text: 'x' }] };
const record = { task: 't1', evaluator: 'ann', study: 'pilot', condition: 'a', started_at: '2026-01-01T00:00:00Z', submitted_at: '2026-01-01T00:01:00Z', decisions: [] };

describe('recognising a file by its content', () => {
  it('tells packs, results files, task packages and review records apart, as JSON Lines or pretty-printed', () => {
    const cases: [string, FileKind][] = [
      [JSON.stringify(pack), 'pack'],
      [JSON.stringify(pack, null, 2), 'pack'],
      [JSON.stringify(results), 'results'],
      [`${JSON.stringify(task)}\n${JSON.stringify({ ...task, id: 't2' })}\n`, 'task-package'],
      [`\ufeff\n\n${JSON.stringify(task)}`, 'task-package'],
      [`${JSON.stringify(record)}\n${JSON.stringify(record)}`, 'review-records'],
      ['{"format":"something-else","version":1}', 'unknown'],
      ['not json at all', 'unknown'],
      ['[1, 2, 3]', 'unknown'],
      ['', 'unknown'],
    ];
    for (const [text, kind] of cases) expect(recognizeFile(text), text.slice(0, 60)).toBe(kind);
  });

  it('needs only the start of a file: a pack cut anywhere after its format, whatever comes first', () => {
    const text = JSON.stringify(pack);
    for (let n = text.indexOf('assay-pack') + 'assay-pack'.length + 1; n <= text.length; n++) expect(recognizeFile(text.slice(0, n))).toBe('pack');
    // the format as the last key, after megabytes of items: still the top-level key, not a nested one
    const late = `{"items":[{"task":{"id":"t","meta":{"format":"assay-results"},"output":"${'x'.repeat(100_000)}"}}],"format":"assay-pack"}`;
    expect(recognizeFile(late)).toBe('pack');
    // a quote inside a string never ends it: "format" in a task's text is text
    expect(recognizeFile(`{"id":"t","kind":"summary","output":"say \\"format\\": \\"assay-pack\\", then {"}`)).toBe('task-package');
  });

  it('reads a whole document the same as its parsed value, and never throws on any text (property)', () => {
    const key = fc.constantFrom('format', 'id', 'kind', 'output', 'task', 'evaluator', 'decisions', 'started_at', 'items', 'x', 'critiques');
    const value = fc.oneof(fc.constantFrom('assay-pack', 'assay-results', 'other'), fc.string(), fc.integer(), fc.constant(null), fc.dictionary(fc.string(), fc.string()), fc.array(fc.string()));
    fc.assert(
      fc.property(fc.dictionary(key, value), fc.boolean(), (obj, pretty) => {
        const text = pretty ? JSON.stringify(obj, null, 2) : JSON.stringify(obj);
        expect(recognizeFile(text)).toBe(recognizeValue(obj));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(['task-package', 'pack', 'results', 'review-records', 'unknown']).toContain(recognizeFile(text));
      }),
      { numRuns: 500 },
    );
  });

  it('says which input a file belongs to, and nothing when it belongs here', () => {
    expect(misplacedFileMessage('ann.assay-pack.json', 'pack', 'task-import')).toBe(
      'ann.assay-pack.json is an Assay pack (an evaluator\'s review queue, sent by a researcher), not a task package: use "Open a pack from your researcher" (Studies → "Open pack…", or File → Open Pack… in the desktop app; assay pack import FILE).',
    );
    expect(misplacedFileMessage('r.json', 'results', 'pack-open')).toMatch(/^r\.json is an Assay results file .*, not a pack: use Studies → "Import results…" \(assay results import FILE\)\.$/);
    expect(misplacedFileMessage('t.jsonl', 'task-package', 'results-import')).toMatch(/not a results file: use Tasks → "Import task package…" \(assay import FILE\)\.$/);
    expect(misplacedFileMessage('x.jsonl', 'review-records', 'results-import')).toBeNull();
    expect(misplacedFileMessage('x.json', 'unknown', 'pack-open')).toBeNull();
  });
});
