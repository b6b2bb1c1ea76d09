// Blinding under fuzzed API calls: whatever an evaluator-facing operation is asked, with valid or
// garbage input, its answer never carries ground truth, condition names, hidden critiques or other
// evaluators' work.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dispatch, type Handlers } from '../../electron/backend/api/dispatch.js';
import { createHandlers } from '../../electron/backend/api/handlers/index.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import { tempDb } from '../helpers/db.js';

/** The operations the evaluator's UI calls. */
const evaluatorOps = ['app:info', 'evaluators:list', 'review:queue', 'review:view', 'review:start', 'review:record', 'review:heartbeat', 'tasks:get'] as const;
const evaluators = ['eva', 'evb', 'evc'];

function secretTasks(): unknown[] {
  return Array.from({ length: 6 }, (_, t) => ({
    id: `task-${t}`,
    kind: t % 2 ? 'code' : 'summary',
    output: `Output of task ${t}.\nSecond line.\nThird line.`,
    critiques: [
      { id: 'c-good', text: `SHOWNTEXT-${t}-good`, score: 0.918273, model: 'SECRETMODEL', valid: true, anchor: { lines: [1, 1] } },
      { id: 'c-decoy', text: `SHOWNTEXT-${t}-decoy`, score: 0.111777, model: 'SECRETMODEL', valid: false },
    ],
    flaws: [{ id: 'f1', description: `GTFLAW-${t}`, critiques: ['c-good'] }],
    meta: { secret: 'SECRETMETA' },
  }));
}

describe('blinding under fuzzed evaluator API calls', () => {
  it('never returns ground truth, condition names, hidden critiques or other evaluators’ work', async () => {
    const { db, path } = tempDb();
    importTasks(db, secretTasks(), 'secret.jsonl');
    const handlers: Handlers = createHandlers({ db, dbPath: path, host: 'browser' });
    const created = await dispatch(handlers, 'studies:create', {
      name: 'blind-study',
      conditions: [
        { name: 'CONDSECRETNONE', policy: 'none' },
        { name: 'CONDSECRETALL', policy: 'all' },
        { name: 'CONDSECRETTOP', policy: 'top-1' },
      ],
      evaluators: evaluators.map((id) => ({ id })),
      overlap: 3,
      seed: 11,
    });
    expect(created.ok, JSON.stringify(created)).toBe(true);

    // Which critiques each evaluator's study items may show.
    const assignment = (created as { value: { assignments: { evaluator: string; task: string; condition: string }[] } }).value.assignments;
    const hiddenFor = new Map<string, string[]>();
    for (const a of assignment) {
      const t = a.task.replace('task-', '');
      const hidden = a.condition === 'CONDSECRETNONE' ? [`SHOWNTEXT-${t}-good`, `SHOWNTEXT-${t}-decoy`] : a.condition === 'CONDSECRETTOP' ? [`SHOWNTEXT-${t}-decoy`] : [];
      hiddenFor.set(a.evaluator, [...(hiddenFor.get(a.evaluator) ?? []), ...hidden]);
    }
    const itemsOf = new Map<string, number[]>();
    for (const e of evaluators) {
      const q = await dispatch(handlers, 'review:queue', { evaluator: e });
      if (q.ok) itemsOf.set(e, (q.value as { items: { id: number }[] }).items.map((i) => i.id));
    }
    const items = [...itemsOf.values()].flat();
    const always = ['GTFLAW', '"valid"', '0.918273', '0.111777', 'SECRETMODEL', 'CONDSECRET', 'SECRETMETA', '"score"', '"flaws"'];

    const event = fc.oneof(
      fc.record({ type: fc.constant('decision-recorded'), critique: fc.constantFrom('c-good', 'c-decoy', 'x'), verdict: fc.constantFrom('accept', 'reject') }),
      fc.record({ type: fc.constant('flaw-added'), flaw: fc.record({ id: fc.string({ minLength: 1, maxLength: 8 }), description: fc.constant('') }) }),
      fc.record({ type: fc.constant('rating-set'), rating: fc.integer({ min: 0, max: 8 }) }),
      fc.constantFrom({ type: 'submitted' }, { type: 'undone' }, { type: 'redone' }),
      fc.anything(),
    );
    let n = 0;
    let okViews = 0;
    let shownSeen = 0;
    const call = fc.record({
      op: fc.constantFrom(...evaluatorOps),
      evaluator: fc.oneof({ arbitrary: fc.constantFrom(...evaluators), weight: 4 }, { arbitrary: fc.string({ maxLength: 5 }), weight: 1 }),
      pick: fc.nat(),
      item: fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: fc.integer({ min: -2, max: 10_000 }), weight: 1 }),
      review: fc.integer({ min: 0, max: 40 }),
      seq: fc.integer({ min: 0, max: 30 }),
      event,
      garbage: fc.oneof({ arbitrary: fc.constant(undefined), weight: 9 }, { arbitrary: fc.anything(), weight: 1 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 25 }), async (calls) => {
        for (const c of calls) {
          n++;
          // mostly one of the evaluator's own items (a real view), sometimes any number
          const own = itemsOf.get(c.evaluator) ?? items;
          const item = c.item ?? own[c.pick % own.length]!;
          // work of this evaluator, so that another evaluator's answers can be checked for it
          const ownWork = { type: 'flaw-added', flaw: { id: `w${n}`, description: `WORK-${c.evaluator}-${n}` } };
          const input =
            c.garbage ??
            (c.op === 'review:record'
              ? { evaluator: c.evaluator, review: c.review, expectedSeq: c.seq, clientEventId: `fuzz-${n}-xxxxxxxx`, clientTime: 1, event: n % 3 ? c.event : ownWork }
              : c.op === 'review:heartbeat'
                ? { evaluator: c.evaluator, review: c.review, activeMs: 1000 }
                : c.op === 'tasks:get'
                  ? { id: `task-${c.pick % 6}` }
                  : c.op === 'app:info' || c.op === 'evaluators:list'
                    ? {}
                    : { evaluator: c.evaluator, item });
          const result = await dispatch(handlers, c.op, input);
          const text = JSON.stringify(result);
          if (result.ok && (c.op === 'review:view' || c.op === 'review:start')) okViews++;
          if (text.includes('SHOWNTEXT-')) shownSeen++;
          for (const s of always) expect(text, `${c.op} leaked ${s}`).not.toContain(s);
          if (evaluators.includes(c.evaluator) && c.op.startsWith('review:')) {
            for (const s of hiddenFor.get(c.evaluator) ?? []) {
              // the same task may sit in this evaluator's practice queue; a hidden critique must not
              // reach them through it either
              expect(text, `${c.op} showed ${c.evaluator} a critique their condition hides`).not.toContain(s);
            }
            for (const other of evaluators.filter((e) => e !== c.evaluator)) expect(text).not.toContain(`WORK-${other}-`);
          }
        }
      }),
      { numRuns: 60 },
    );
    // the fuzzing reached real views, some of which showed critiques (so the checks were not vacuous)
    expect(okViews).toBeGreaterThan(20);
    expect(shownSeen).toBeGreaterThan(5);
    expect(items.length).toBeGreaterThan(12);
  });
});
