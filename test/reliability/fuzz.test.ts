// Fuzzing the inputs that come from outside: malformed task packages and review records are rejected
// with an error that names the place, and the database is unchanged. (Results files changed anywhere
// are fuzzed in test/backend/studies/tamper.test.ts.)
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDemo } from '../../electron/backend/demo.js';
import { createStudy } from '../../electron/backend/studies/repository.js';
import { importResults } from '../../electron/backend/studies/results.js';
import { importFile, importTasks } from '../../electron/backend/tasks/import.js';
import { studyTasks } from '../backend/studies/fixtures.js';
import { tempDb } from '../helpers/db.js';
import { dumpDatabase } from '../helpers/dump.js';
import { tempDir } from '../helpers/temp.js';

/** A valid task of format v1, with anchors that resolve. */
const validTask = (id: string) =>
  fc.record({
    words: fc.array(fc.constantFrom('alpha', 'beta', 'gamma', '世界', '👋', 'delta', 'x'), { minLength: 3, maxLength: 12 }),
    critiques: fc.integer({ min: 0, max: 3 }),
  }).map(({ words, critiques }) => {
    const output = words.map((w, i) => `${w}${i}`).join(' ');
    return {
      id,
      kind: 'summary' as const,
      output,
      critiques: Array.from({ length: critiques }, (_, i) => ({ id: `c${i}`, text: `critique ${i}`, anchor: { quote: `${words[0]}0` } })),
      flaws: critiques > 0 ? [{ id: 'f1', description: 'a flaw', critiques: ['c0'] }] : [],
    };
  });

type Task = Record<string, unknown>;

/** Ways to break one task; each names the field the error must point at. */
const mutations: { name: string; field: RegExp; apply: (t: Task) => string }[] = [
  { name: 'missing id', field: /id/, apply: ({ id: _id, ...t }) => JSON.stringify(t) },
  { name: 'missing output', field: /output/, apply: ({ output: _o, ...t }) => JSON.stringify(t) },
  { name: 'bad kind', field: /kind/, apply: (t) => JSON.stringify({ ...t, kind: 'poem' }) },
  { name: 'output not a string', field: /output/, apply: (t) => JSON.stringify({ ...t, output: 42 }) },
  { name: 'anchor out of range', field: /anchor/, apply: (t) => JSON.stringify({ ...t, critiques: [{ id: 'z', text: 't', anchor: { start: 0, end: 10_000 } }] }) },
  { name: 'quote not found', field: /quote/, apply: (t) => JSON.stringify({ ...t, critiques: [{ id: 'z', text: 't', anchor: { quote: 'no such text anywhere' } }] }) },
  { name: 'unknown critique id in a flaw', field: /flaws/, apply: (t) => JSON.stringify({ ...t, flaws: [{ id: 'f', description: 'd', critiques: ['nope'] }] }) },
  { name: 'critique without text', field: /text/, apply: (t) => JSON.stringify({ ...t, critiques: [{ id: 'z' }] }) },
  { name: 'truncated JSON', field: /./, apply: (t) => JSON.stringify(t).slice(0, -3) },
  { name: 'not an object', field: /./, apply: () => '[1, 2, 3]' },
];

describe('fuzzing: malformed task packages', () => {
  it('are refused with FILE:LINE errors and leave the database exactly as it was', () => {
    const { db } = tempDb();
    loadDemo(db);
    const dir = tempDir();
    let n = 0;
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        fc.nat(),
        fc.constantFrom(...mutations),
        fc.boolean(),
        (seeds, where, mutation, invalidUtf8) => {
          n++;
          const tasks = seeds.map((s, i) => fc.sample(validTask(`fuzz-${n}-${i}`), { numRuns: 1, seed: s })[0]!);
          const bad = where % tasks.length;
          const lines = tasks.map((t) => JSON.stringify(t));
          lines[bad] = mutation.apply(tasks[bad]! as Task);
          const file = path.join(dir, `f${n}.jsonl`);
          const bytes = Buffer.from(`${lines.join('\n')}\n`);
          if (invalidUtf8) {
            // splice an invalid byte into the bad line instead of the structural mutation
            const good = tasks.map((t) => JSON.stringify(t));
            const before = Buffer.from(`${good.slice(0, bad).join('\n')}${bad > 0 ? '\n' : ''}`);
            const line = Buffer.from(good[bad]!);
            fs.writeFileSync(file, Buffer.concat([before, line.subarray(0, 5), Buffer.from([0xc3, 0x28]), line.subarray(5), Buffer.from('\n')]));
          } else {
            fs.writeFileSync(file, bytes);
          }
          const before = dumpDatabase(db);
          const report = importFile(db, file, { label: 'pkg.jsonl' });
          expect(report.errorCount, `${mutation.name}${invalidUtf8 ? ' (invalid UTF-8)' : ''}`).toBeGreaterThan(0);
          expect(report.errors[0]).toMatch(new RegExp(`^pkg\\.jsonl:${bad + 1}: `));
          if (invalidUtf8) expect(report.errors[0]).toMatch(/UTF-8/i);
          else expect(report.errors.join('\n')).toMatch(mutation.field);
          expect(dumpDatabase(db)).toBe(before);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('fuzzing: malformed review records (made outside Assay)', () => {
  it('are refused with FILE:LINE errors and leave the database exactly as it was', () => {
    const { db } = tempDb();
    importTasks(db, studyTasks(6), 'fixture.jsonl');
    const study = createStudy(db, {
      name: 'fz',
      conditions: [
        { name: 'plain', policy: 'none' },
        { name: 'help', policy: 'top-2' },
      ],
      evaluators: [{ id: 'e1' }, { id: 'e2' }],
      overlap: 2,
      seed: 9,
    });
    const valid = study.assignments.map((a) => ({
      task: a.task,
      evaluator: a.evaluator,
      study: 'fz',
      condition: a.condition,
      started_at: '2026-11-26T10:00:00.000Z',
      submitted_at: '2026-11-26T10:05:00.000Z',
      active_seconds: 120,
      rating: 5,
      skipped: null,
      decisions: a.condition === 'help' ? [{ critique: 'c1', verdict: 'accept' }] : [],
      added: [{ id: 'a1', description: 'missed this' }],
    }));
    // The valid file merges (so the refusals below are about the mutations, not the fixture).
    const { db: probe } = tempDb();
    importTasks(probe, studyTasks(6), 'fixture.jsonl');
    createStudy(probe, { name: 'fz', conditions: [{ name: 'plain', policy: 'none' }, { name: 'help', policy: 'top-2' }], evaluators: [{ id: 'e1' }, { id: 'e2' }], overlap: 2, seed: 9 });
    expect(importResults(probe, [{ fileName: 'ok.jsonl', content: valid.map((r) => JSON.stringify(r)).join('\n') }])[0]).toMatchObject({ status: 'merged' });

    type Rec = (typeof valid)[number];
    const breakers: { name: string; apply: (r: Rec) => string }[] = [
      { name: 'rating 9', apply: (r) => JSON.stringify({ ...r, rating: 9 }) },
      { name: 'verdict maybe', apply: (r) => JSON.stringify({ ...r, decisions: [{ critique: 'c1', verdict: 'maybe' }] }) },
      { name: 'decision on a hidden critique', apply: (r) => JSON.stringify({ ...r, decisions: [{ critique: 'c4', verdict: 'accept' }] }) },
      { name: 'wrong condition', apply: (r) => JSON.stringify({ ...r, condition: r.condition === 'help' ? 'plain' : 'help' }) },
      { name: 'unknown evaluator', apply: (r) => JSON.stringify({ ...r, evaluator: 'mallory' }) },
      { name: 'unknown task', apply: (r) => JSON.stringify({ ...r, task: 'task-999' }) },
      { name: 'missing submitted_at', apply: ({ submitted_at: _s, ...r }) => JSON.stringify(r) },
      { name: 'bad date', apply: (r) => JSON.stringify({ ...r, started_at: 'yesterday' }) },
      { name: 'negative active time', apply: (r) => JSON.stringify({ ...r, active_seconds: -5 }) },
      { name: 'truncated JSON', apply: (r) => JSON.stringify(r).slice(0, -2) },
      { name: 'added flaw without description', apply: (r) => JSON.stringify({ ...r, added: [{ id: 'x' }] }) },
    ];
    fc.assert(
      fc.property(fc.subarray(valid, { minLength: 1 }), fc.nat(), fc.constantFrom(...breakers), (records, where, breaker) => {
        const bad = where % records.length;
        const lines = records.map((r, i) => (i === bad ? breaker.apply(r) : JSON.stringify(r)));
        const before = dumpDatabase(db);
        const [report] = importResults(db, [{ fileName: 'records.jsonl', content: lines.join('\n') }]);
        expect(report!.status, breaker.name).toBe('refused');
        expect(report!.error, breaker.name).toMatch(new RegExp(`^records\\.jsonl:${bad + 1}: `));
        expect(dumpDatabase(db)).toBe(before);
      }),
      { numRuns: 150 },
    );
  });
});
