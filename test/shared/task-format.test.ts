import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPath, TASK_SCHEMA_VERSIONS, taskJsonSchema, validateTask, type TaskValidation } from '../../shared/task-format.js';
import { repoRoot } from '../helpers/server.js';

const issues = (r: TaskValidation) => (r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`));
const valid = (r: TaskValidation) => {
  if (!r.ok) throw new Error(issues(r).join('\n'));
  return r.value;
};

const base = { id: 't1', kind: 'summary', output: 'The cat sat on the mat.\nThe dog slept.' } as const;

describe('task format v1', () => {
  it('keeps unknown fields in evidence items (open) but refuses them in anchors (closed)', () => {
    const task = { ...base, context: { document: 'The source says six months.' }, critiques: [{ id: 'c', text: 't', evidence: [{ anchor: { quote: 'six months' }, note: 'n', source: 'https://example.org/report', retrieval_score: 0.8 }] }] };
    const v = valid(validateTask(task));
    expect(v.task.critiques![0]!.evidence![0]).toEqual(task.critiques[0]!.evidence[0]);
    const r = validateTask({ ...task, critiques: [{ id: 'c', text: 't', evidence: [{ anchor: { quote: 'six months', path: 'b.md' } }] }] });
    expect(r).toMatchObject({ ok: false, issues: [{ path: 'critiques[0].evidence[0].anchor', message: expect.stringMatching(/^unknown field "path"/) }] });
  });

  it('accepts a minimal task and keeps unknown fields', () => {
    const v = valid(validateTask({ ...base, extra: { x: 1 } }));
    expect(v.task.id).toBe('t1');
    expect((v.task as Record<string, unknown>)['extra']).toEqual({ x: 1 });
  });

  it('resolves critique, flaw and evidence anchors in code points, with emoji and CJK', () => {
    const output = 'Hi 👋 世界 is here; 🎉 again';
    const document = 'Source 📄: 世界 means world.';
    const cps = Array.from(output);
    const start = cps.indexOf('世');
    const v = valid(
      validateTask({
        id: 'u',
        kind: 'summary',
        output,
        context: { document },
        critiques: [
          { id: 'c1', text: 'range', anchor: { start, end: start + 2 }, evidence: [{ anchor: { quote: '世界 means' }, note: 'n' }] },
          { id: 'c2', text: 'quote', anchor: { quote: '🎉' } },
        ],
        flaws: [{ id: 'f1', description: 'd', anchor: { lines: [1, 1] }, critiques: ['c1'] }],
      }),
    );
    const a = v.critiqueAnchors[0]!;
    expect(output.slice(a.start16, a.end16)).toBe('世界');
    expect(a.start).toBe(start);
    expect(a.start16).toBe(start + 1); // one surrogate pair (👋) before it
    const q = v.critiqueAnchors[1]!;
    expect(q.start).toBe(cps.indexOf('🎉'));
    expect(q.end16 - q.start16).toBe(2);
    const e = v.critiqueEvidence[0]![0]!;
    expect(document.slice(e.resolved.start16, e.resolved.end16)).toBe('世界 means');
    expect(e.resolved.start).toBe(Array.from(document).indexOf('世'));
    expect(e.note).toBe('n');
    expect(v.flawAnchors[0]!.lines).toEqual([1, 1]);
  });

  it('resolves line anchors on both sides of a diff', () => {
    const v = valid(
      validateTask({
        id: 'code',
        kind: 'code',
        language: 'python',
        base: 'a = 1\nb = 2\n',
        output: 'a = 1\nb = 3\nc = 4\n',
        critiques: [
          { id: 'c1', text: 'changed', anchor: { lines: [2, 3] } },
          { id: 'c2', text: 'was', anchor: { lines: [2, 2], side: 'base' } },
        ],
      }),
    );
    expect(v.critiqueAnchors[0]).toMatchObject({ lines: [2, 3], side: 'output' });
    expect(v.critiqueAnchors[1]).toMatchObject({ lines: [2, 2], side: 'base' });
  });

  it.each([
    [{ ...base, id: undefined }, 'id: required (string)'],
    [{ ...base, kind: 'essay' }, 'kind: Invalid option: expected one of "summary"|"code"'],
    [{ ...base, output: 5 }, 'output: expected string, got number'],
    [{ ...base, critiques: [{ id: 'c', text: 't', severity: 'huge' }] }, 'critiques[0].severity: Invalid option: expected one of "minor"|"major"|"critical"'],
    [{ ...base, critiques: [{ id: 'c', text: 't', score: 'high' }] }, 'critiques[0].score: expected number, got string'],
    [{ ...base, critiques: [{ id: 'c', text: 't', anchor: { start: 5, end: 2 } }] }, 'critiques[0].anchor.end: start must be less than end'],
    [{ ...base, critiques: [{ id: 'c', text: 't', anchor: { start: 1 } }] }, 'critiques[0].anchor.end: required (number)'],
    [{ ...base, critiques: [{ id: 'c', text: 't', anchor: { start: 1, end: 2, quote: 'x' } }] }, /critiques\[0\]\.anchor: unknown fields "start", "end": an anchor is exactly one of/],
    [{ ...base, critiques: [{ id: 'c', text: 't', anchor: { where: 1 } }] }, /critiques\[0\]\.anchor: an anchor is exactly one of/],
    [{ ...base, critiques: [{ id: 'c', text: 't', anchor: 'line 3' }] }, /critiques\[0\]\.anchor: expected an object, got string/],
    [{ ...base, critiques: [{ id: 'c', text: 't', anchor: { lines: [3, 1] } }] }, 'critiques[0].anchor.lines: first line must not be after last line'],
    [{ ...base, critiques: [{ id: 'c', text: 't', anchor: { start: 0, end: 999 } }] }, /critiques\[0\]\.anchor\.end: end 999 is past the end of the text \(38 code points\)/],
    [{ ...base, critiques: [{ id: 'c', text: 't', anchor: { quote: 'The' } }] }, /critiques\[0\]\.anchor\.quote: quote matches 2 places/],
    [{ ...base, critiques: [{ id: 'c', text: 't', anchor: { quote: 'horse' } }] }, /critiques\[0\]\.anchor\.quote: quote not found/],
    [{ ...base, critiques: [{ id: 'c', text: 't', anchor: { lines: [1, 9] } }] }, /critiques\[0\]\.anchor\.lines: line 9 is past the end \(2 lines\)/],
    [{ ...base, critiques: [{ id: 'c', text: 't', anchor: { lines: [1, 1], side: 'base' } }] }, /critiques\[0\]\.anchor\.side: side "base" needs a task with "base"/],
    [{ ...base, critiques: [{ id: 'c', text: 't', evidence: [{ anchor: { quote: 'x' } }] }] }, /critiques\[0\]\.evidence\[0\]\.anchor: evidence points into context.document, but the task has no context.document/],
    [{ ...base, context: { document: 'abc' }, critiques: [{ id: 'c', text: 't', evidence: [{ anchor: { quote: 'zzz' } }] }] }, /critiques\[0\]\.evidence\[0\]\.anchor\.quote: quote not found.*\(in context.document\)/],
    [{ ...base, critiques: [{ id: 'c', text: 't' }, { id: 'c', text: 'u' }] }, 'critiques[1].id: duplicate critique id "c" (also critiques[0])'],
    [{ ...base, flaws: [{ id: 'f', description: 'd' }, { id: 'f', description: 'e' }] }, 'flaws[1].id: duplicate flaw id "f" (also flaws[0])'],
    [{ ...base, critiques: [{ id: 'c', text: 't' }], flaws: [{ id: 'f', description: 'd', critiques: ['c', 'nope'] }] }, 'flaws[0].critiques[1]: unknown critique id "nope" (not in this task\'s critiques)'],
    [{ ...base, flaws: [{ id: 'f' }] }, 'flaws[0].description: required (string)'],
    [{ ...base, meta: [1, 2] }, 'meta: expected record, got array'],
    [[1, 2, 3], '(task): expected object, got array'],
  ])('rejects %j', (task, expected) => {
    const found = issues(validateTask(task));
    expect(found.length).toBeGreaterThan(0);
    if (typeof expected === 'string') expect(found).toContain(expected);
    else expect(found.some((f) => expected.test(f))).toBe(true);
  });

  it('never throws and reports a path for any JSON value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const r = validateTask(value);
        if (!r.ok) for (const i of r.issues) expect(i.path.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('formats paths with indexes in brackets', () => {
    expect(formatPath(['critiques', 2, 'anchor', 'end'])).toBe('critiques[2].anchor.end');
    expect(formatPath([])).toBe('(task)');
  });
});

describe('docs/task-format.md', () => {
  it('has examples (v1 and a multi-file 1.1 task) whose every line is a valid task', () => {
    const doc = fs.readFileSync(path.join(repoRoot, 'docs', 'task-format.md'), 'utf8');
    const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.trim().split('\n'));
    expect(examples.length).toBeGreaterThanOrEqual(3);
    expect(examples.some((l) => 'files' in (JSON.parse(l) as object))).toBe(true);
    for (const line of examples) expect(issues(validateTask(JSON.parse(line)))).toEqual([]);
  });
});

describe('the committed JSON Schemas', () => {
  for (const version of TASK_SCHEMA_VERSIONS) {
    const file = path.join(repoRoot, 'schema', `task-v${version}.schema.json`);
    it(`task-v${version}.schema.json is generated from the zod schema (ASSAY_UPDATE_SCHEMA=1 rewrites it)`, () => {
      const generated = `${JSON.stringify(taskJsonSchema(version), null, 2)}\n`;
      if (process.env['ASSAY_UPDATE_SCHEMA'] === '1') fs.writeFileSync(file, generated);
      expect(fs.readFileSync(file, 'utf8'), `schema/task-v${version}.schema.json is stale: run ASSAY_UPDATE_SCHEMA=1 npx vitest run test/shared/task-format.test.ts`).toBe(generated);
    });
  }
});
