import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TaskSchema, hasTaskShape } from '../../shared/task-format.js';

// hasTaskShape is a hand-written fast path for TaskSchema; it must never accept what zod rejects,
// and it should accept the valid tasks real packages contain.

const junk = fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constant(undefined), fc.constant(Infinity), fc.constant(Number.NaN), fc.constant(2 ** 53));
const intish = fc.oneof(fc.integer({ min: -3, max: 40 }), fc.double({ noNaN: false }), junk);
const strish = fc.oneof(fc.string({ maxLength: 4 }), fc.constant(''), junk);

// paths of multi-file tasks (format 1.1): good ones and every kind of bad one
const pathish = fc.oneof(fc.constantFrom('a.py', 'src/b.ts', './a.py', '../x', '/abs', 'a//b', 'a\\b', 'C:x', '', 'dir/', 'é/é.py'), strish);
const anchor = fc.oneof(
  fc.record({ start: intish, end: intish, extra: junk }, { requiredKeys: ['start', 'end'] }),
  fc.record({ start: fc.nat(20), end: fc.nat(40), path: pathish }),
  fc.record({ quote: strish, path: pathish }, { requiredKeys: ['quote', 'path'] }),
  fc.record({ lines: fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 9 })), side: fc.constantFrom('output', 'base'), path: pathish }, { requiredKeys: ['lines', 'path'] }),
  fc.record({ start: fc.nat(20), end: fc.nat(40) }),
  fc.record({ quote: strish, prefix: strish, suffix: strish, start: junk }, { requiredKeys: ['quote'] }),
  fc.record({ lines: fc.oneof(fc.tuple(intish, intish), fc.array(intish, { maxLength: 3 }), junk), side: fc.oneof(fc.constantFrom('output', 'base', 'left'), junk) }, { requiredKeys: ['lines'] }),
  fc.record({ lines: fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 9 })) }),
  junk,
);
const severity = fc.oneof(fc.constantFrom('minor', 'major', 'critical', 'huge'), junk);
const critique = fc.record(
  {
    id: strish,
    text: strish,
    anchor,
    severity,
    category: strish,
    score: fc.oneof(fc.double(), fc.integer(), junk),
    model: strish,
    evidence: fc.oneof(fc.array(fc.record({ anchor, note: strish, extra: junk }, { requiredKeys: ['anchor'] }), { maxLength: 2 }), junk),
    valid: fc.oneof(fc.boolean(), junk),
    extra: junk,
  },
  { requiredKeys: [] },
);
const flaw = fc.record(
  { id: strish, description: strish, anchor, severity, category: strish, critiques: fc.oneof(fc.array(strish, { maxLength: 3 }), junk), extra: junk },
  { requiredKeys: [] },
);
const context = fc.oneof(
  fc.record(
    { document: strish, query: strish, problem: strish, sections: fc.oneof(fc.array(fc.record({ title: strish, summary: strish, text: strish, more: junk }, { requiredKeys: [] }), { maxLength: 2 }), junk), other: junk },
    { requiredKeys: [] },
  ),
  junk,
);
const file = fc.record(
  { path: pathish, output: strish, base: strish, language: strish, deleted: fc.oneof(fc.boolean(), junk), renamed_from: pathish, extra: junk },
  { requiredKeys: [] },
);
const task = fc.record(
  {
    id: strish,
    kind: fc.oneof(fc.constantFrom('summary', 'code', 'essay'), junk),
    title: strish,
    output: strish,
    files: fc.oneof(fc.array(file, { maxLength: 3 }), junk),
    requires: fc.oneof(fc.array(fc.record({ feature: strish, assay: strish, more: junk }, { requiredKeys: [] }), { maxLength: 2 }), junk),
    context,
    language: strish,
    base: strish,
    critiques: fc.oneof(fc.array(critique, { maxLength: 3 }), junk),
    flaws: fc.oneof(fc.array(flaw, { maxLength: 2 }), junk),
    meta: fc.oneof(fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }), junk),
    extra: junk,
  },
  { requiredKeys: [] },
);

const validTask = fc.record(
  {
    id: fc.string({ minLength: 1, maxLength: 5 }),
    kind: fc.constantFrom('summary', 'code'),
    title: fc.string(),
    output: fc.string(),
    context: fc.record({ document: fc.string(), query: fc.string(), sections: fc.array(fc.record({ title: fc.string(), summary: fc.string() }, { requiredKeys: ['title'] }), { maxLength: 2 }) }, { requiredKeys: [] }),
    language: fc.string(),
    base: fc.string(),
    critiques: fc.array(
      fc.record(
        {
          id: fc.string({ minLength: 1 }),
          text: fc.string(),
          anchor: fc.oneof(fc.record({ quote: fc.string({ minLength: 1 }), prefix: fc.string() }, { requiredKeys: ['quote'] }), fc.record({ lines: fc.tuple(fc.constant(1), fc.integer({ min: 1, max: 9 })), side: fc.constantFrom('output' as const, 'base' as const) }, { requiredKeys: ['lines'] })),
          severity: fc.constantFrom('minor', 'major', 'critical'),
          score: fc.double({ noNaN: true, noDefaultInfinity: true }),
          // evidence items are open (unknown fields kept); anchors stay closed
          evidence: fc.array(fc.record({ anchor: fc.record({ start: fc.nat(5), end: fc.integer({ min: 6, max: 9 }) }), note: fc.string(), source: fc.string() }, { requiredKeys: ['anchor'] }), { maxLength: 2 }),
          valid: fc.boolean(),
          extra: fc.jsonValue(),
        },
        { requiredKeys: ['id', 'text'] },
      ),
      { maxLength: 3 },
    ),
    flaws: fc.array(fc.record({ id: fc.string({ minLength: 1 }), description: fc.string({ minLength: 1 }), critiques: fc.array(fc.string()) }, { requiredKeys: ['id', 'description'] }), { maxLength: 2 }),
    meta: fc.dictionary(fc.string(), fc.jsonValue()),
  },
  { requiredKeys: ['id', 'kind', 'output'] },
);

const validFilesTask = fc.record(
  {
    id: fc.string({ minLength: 1, maxLength: 5 }),
    kind: fc.constant('code'),
    language: fc.string(),
    files: fc.array(
      fc.record(
        { path: fc.constantFrom('a.py', 'src/b.ts', 'c/d/e.md'), output: fc.string(), base: fc.string(), language: fc.string(), deleted: fc.boolean(), renamed_from: fc.constant('old/a.py'), extra: fc.jsonValue() },
        { requiredKeys: ['path', 'output'] },
      ),
      { minLength: 1, maxLength: 3 },
    ),
    requires: fc.constant([{ feature: 'multi-file', assay: '0.2.0' }]),
    critiques: fc.array(
      fc.record({ id: fc.string({ minLength: 1 }), text: fc.string(), anchor: fc.record({ lines: fc.tuple(fc.constant(1), fc.integer({ min: 1, max: 9 })), path: fc.constant('a.py') }) }, { requiredKeys: ['id', 'text'] }),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: ['id', 'kind', 'files'] },
);

describe('hasTaskShape (the fast path of validateTask)', () => {
  it('never accepts what the zod schema rejects (property)', () => {
    let accepted = 0;
    fc.assert(
      // valid tasks mixed in: the junk generator alone reaches an accepted task only now and then
      fc.property(fc.oneof({ arbitrary: task, weight: 9 }, { arbitrary: validTask, weight: 1 }, { arbitrary: validFilesTask, weight: 1 }), (t) => {
        if (hasTaskShape(t)) {
          accepted++;
          expect(TaskSchema.safeParse(t).success, JSON.stringify(t)).toBe(true);
        }
      }),
      { numRuns: 5000 },
    );
    expect(accepted).toBeGreaterThan(0); // the generator does reach valid tasks
  });

  it('accepts valid tasks, single- and multi-file (property)', () => {
    fc.assert(
      fc.property(fc.oneof(validTask, validFilesTask), (t) => {
        expect(TaskSchema.safeParse(t).success).toBe(true);
        expect(hasTaskShape(t)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
