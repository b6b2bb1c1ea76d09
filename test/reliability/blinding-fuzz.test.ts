// Blinding under fuzzed API calls: whatever an evaluator-facing operation is asked, with valid or
// garbage input, by a study's evaluator or by a profile created on the spot, its answer never
// carries ground truth, condition names, hidden critiques, original critique ids or other
// evaluators' work. The operations come from the contract's audience map, so a new evaluator
// operation is fuzzed as soon as it exists.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dispatch, type Handlers } from '../../electron/backend/api/dispatch.js';
import { createHandlers } from '../../electron/backend/api/handlers/index.js';
import { exportPack } from '../../electron/backend/studies/packs.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import { evaluatorOps, opAudience } from '../../shared/contract/audience.js';
import { opNames } from '../../shared/contract/index.js';
import { tempDb } from '../helpers/db.js';

const evaluators = ['eva', 'evb', 'evc'];
const studyTaskCount = 6;

/** Original critique ids that would tell (a decoy's id): they must never reach an evaluator. */
const goodId = 'orig-good-7f3';
const decoyId = 'orig-decoy-9a1';

function secretTasks(): unknown[] {
  const study = Array.from({ length: studyTaskCount }, (_, t) => ({
    id: `task-${t}`,
    kind: t % 2 ? 'code' : 'summary',
    output: `Output of task ${t}.\nSecond line.\nThird line.`,
    critiques: [
      { id: goodId, text: `SHOWNTEXT-${t}-good`, score: 0.918273, model: 'SECRETMODEL', valid: true, anchor: { lines: [1, 1] } },
      { id: decoyId, text: `SHOWNTEXT-${t}-decoy`, score: 0.111777, model: 'SECRETMODEL', valid: false },
    ],
    flaws: [{ id: 'f1', description: `GTFLAW-${t}`, critiques: [goodId] }],
    meta: { secret: 'SECRETMETA' },
  }));
  // one task outside the study: practice for everyone
  const practice = { id: 'free-1', kind: 'summary', output: 'A practice output.', critiques: [{ id: 'orig-free-c', text: 'PRACTICETEXT' }] };
  return [...study, practice];
}

describe('blinding under fuzzed evaluator API calls', () => {
  it('every evaluator operation is fuzzed (the contract names each operation’s audience)', () => {
    expect(Object.keys(opAudience).sort()).toEqual([...opNames].sort());
    expect(evaluatorOps()).toEqual(
      expect.arrayContaining(['evaluators:create', 'evaluators:list', 'review:begin', 'review:heartbeat', 'review:queue', 'review:record', 'review:view', 'packs:list', 'packs:import', 'results:export', 'results:save', 'app:info']),
    );
  });

  it('never returns ground truth, condition names, hidden critiques, original ids or other evaluators’ work', async () => {
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
      tasks: Array.from({ length: studyTaskCount }, (_, t) => `task-${t}`),
      reviewHere: true, // its evaluators review on this database: the researcher's own Review place
    });
    expect(created.ok, JSON.stringify(created)).toBe(true);
    // A second study over the same tasks, reviewed from packs, with a pack issued: its items are in no
    // queue here, and every refusal about them must be as blind as the answers.
    const packed = await dispatch(handlers, 'studies:create', {
      name: 'packed-study',
      conditions: [{ name: 'CONDSECRETPACKED', policy: 'all' }],
      evaluators: evaluators.map((id) => ({ id })),
      overlap: 1,
      seed: 12,
      tasks: Array.from({ length: studyTaskCount }, (_, t) => `task-${t}`),
    });
    expect(packed.ok, JSON.stringify(packed)).toBe(true);
    exportPack(db, 'packed-study', 'eva'); // a study under way: pinned items, a frozen study

    // Which critiques each study evaluator's items may show.
    const assignment = (created as { value: { assignments: { evaluator: string; task: string; condition: string }[] } }).value.assignments;
    const hiddenFor = new Map<string, string[]>();
    for (const a of assignment) {
      const t = a.task.replace('task-', '');
      const hidden = a.condition === 'CONDSECRETNONE' ? [`SHOWNTEXT-${t}-good`, `SHOWNTEXT-${t}-decoy`] : a.condition === 'CONDSECRETTOP' ? [`SHOWNTEXT-${t}-decoy`] : [];
      hiddenFor.set(a.evaluator, [...(hiddenFor.get(a.evaluator) ?? []), ...hidden]);
    }
    const pool = [...evaluators];
    const itemsOf = new Map<string, number[]>();
    const refreshItems = async (e: string): Promise<void> => {
      const q = await dispatch(handlers, 'review:queue', { evaluator: e });
      if (q.ok) itemsOf.set(e, (q.value as { items: { id: number }[] }).items.map((i) => i.id));
    };
    for (const e of evaluators) await refreshItems(e);
    const allItems = (): number[] => [...itemsOf.values()].flat();
    const reviewsOf = new Map<string, number[]>();
    const always = ['GTFLAW', '"valid"', '0.918273', '0.111777', 'SECRETMODEL', 'CONDSECRET', 'SECRETMETA', '"score"', '"flaws"', '"secret"'];
    const ops = evaluatorOps();

    const event = fc.oneof(
      fc.record({ type: fc.constant('decision-recorded'), critique: fc.constantFrom('k1', 'k2', 'k3', goodId, decoyId), verdict: fc.constantFrom('accept', 'reject') }),
      fc.record({ type: fc.constant('decision-cleared'), critique: fc.constantFrom('k1', 'k2') }),
      fc.record({ type: fc.constant('flaw-added'), flaw: fc.record({ id: fc.string({ minLength: 1, maxLength: 8 }), description: fc.constant('') }) }),
      fc.record({ type: fc.constant('rating-set'), rating: fc.integer({ min: 0, max: 8 }) }),
      fc.constantFrom({ type: 'submitted' }, { type: 'undone' }, { type: 'redone' }, { type: 'skipped', reason: 'fuzz' }, { type: 'reopened' }),
      fc.anything(),
    );
    let n = 0;
    let okViews = 0;
    let shownSeen = 0;
    let createdProfiles = 0;
    let newProfileViews = 0;
    let practiceSeen = 0;
    const call = fc.record({
      // every evaluator operation; the review screen's own a little more often
      op: fc.oneof(...ops.map((op) => ({ arbitrary: fc.constant(op), weight: op.startsWith('review:') ? 3 : 1 }))),
      who: fc.nat(),
      studyEvaluator: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 2 }),
      stranger: fc.oneof({ arbitrary: fc.constant(null), weight: 8 }, { arbitrary: fc.string({ maxLength: 5 }), weight: 1 }),
      pick: fc.nat(),
      item: fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: fc.integer({ min: -2, max: 10_000 }), weight: 1 }),
      review: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: 60 }), weight: 1 }),
      seq: fc.integer({ min: 0, max: 30 }),
      name: fc.string({ minLength: 1, maxLength: 12 }),
      event,
      garbage: fc.oneof({ arbitrary: fc.constant(undefined), weight: 12 }, { arbitrary: fc.anything(), weight: 1 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 25 }), async (calls) => {
        for (const c of calls) {
          n++;
          const evaluator = c.stranger ?? (c.studyEvaluator ? evaluators[c.who % evaluators.length]! : pool[c.who % pool.length]!);
          const own = itemsOf.get(evaluator) ?? allItems();
          const item = c.item ?? own[c.pick % Math.max(1, own.length)] ?? 1;
          const ownReviews = reviewsOf.get(evaluator) ?? [];
          const review = c.review ?? ownReviews[c.pick % Math.max(1, ownReviews.length)] ?? 1;
          // work of this evaluator, so that another evaluator's answers can be checked for it
          const ownWork = { type: 'flaw-added', flaw: { id: `w${n}`, description: `WORK-${evaluator}-${n}` } };
          const input =
            c.garbage ??
            (c.op === 'review:record'
              ? { evaluator, review, expectedSeq: c.seq, clientEventId: `fuzz-${n}-xxxxxxxx`, clientTime: Date.now(), event: n % 3 ? c.event : ownWork }
              : c.op === 'review:heartbeat'
                ? { evaluator, review, activeMs: 1000 }
                : c.op === 'evaluators:create'
                  ? { displayName: c.name }
                  : c.op === 'packs:import'
                    ? { fileName: 'fuzz.json', content: c.name }
                    : c.op === 'results:export' || c.op === 'results:save'
                      ? {}
                      : c.op === 'app:info' || c.op === 'evaluators:list' || c.op === 'packs:list'
                        ? {}
                        : { evaluator, item });
          const result = await dispatch(handlers, c.op, input);
          const text = JSON.stringify(result);
          const sent = JSON.stringify(input ?? null);
          if (result.ok && c.op === 'evaluators:create') {
            const id = (result.value as { id: string }).id;
            pool.push(id);
            createdProfiles++;
            await refreshItems(id);
          }
          if (result.ok && c.op === 'review:begin') {
            const id = (result.value as { review: { id: number } }).review.id;
            reviewsOf.set(evaluator, [...new Set([...(reviewsOf.get(evaluator) ?? []), id])]);
          }
          if (result.ok && c.op === 'review:view') {
            okViews++;
            if (!evaluators.includes(evaluator)) newProfileViews++;
          }
          if (text.includes('SHOWNTEXT-')) shownSeen++;
          if (!evaluators.includes(evaluator) && text.includes('PRACTICETEXT')) practiceSeen++;
          for (const s of always) expect(text, `${c.op} leaked ${s}`).not.toContain(s);
          // original critique ids never leave (unless the caller sent them itself and an error echoes them)
          for (const id of [goodId, decoyId, 'orig-free-c']) if (!sent.includes(id)) expect(text, `${c.op} sent the original id ${id}`).not.toContain(id);
          if (evaluators.includes(evaluator)) {
            for (const s of hiddenFor.get(evaluator) ?? []) {
              // the same task may sit in this evaluator's practice queue; a hidden critique must not reach them through it either
              expect(text, `${c.op} showed ${evaluator} a critique their condition hides`).not.toContain(s);
            }
          } else if (c.op !== 'evaluators:list') {
            // a profile outside the study (created here, or made up): the study is open, so none of its tasks' critiques
            expect(text, `${c.op} showed the study's critiques to ${evaluator}, who is not in the study`).not.toContain('SHOWNTEXT-');
          }
          for (const other of pool.filter((e) => e !== evaluator)) if (!sent.includes(`WORK-${other}-`)) expect(text).not.toContain(`WORK-${other}-`);
        }
      }),
      { numRuns: 120 },
    );
    // the fuzzing reached real views, some of which showed critiques, and new profiles (not vacuous)
    expect(okViews).toBeGreaterThan(20);
    expect(shownSeen).toBeGreaterThan(5);
    expect(createdProfiles).toBeGreaterThan(3);
    expect(newProfileViews).toBeGreaterThan(0);
    expect(practiceSeen).toBeGreaterThan(0); // new profiles do get a practice queue: the task outside the study
    expect(allItems().length).toBeGreaterThan(12);
  });
});
