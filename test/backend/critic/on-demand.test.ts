import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/backend/api/dispatch.js';
import { createHandlers } from '../../../electron/backend/api/handlers/index.js';
import { runPrompts } from '../../../electron/backend/critic/prompts.js';
import { sweepFromDb } from '../../../electron/backend/critic/queries.js';
import { runCritic } from '../../../electron/backend/critic/run.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { loadDemo } from '../../../electron/backend/demo.js';
import { selectShownRows, taskCritiqueRows } from '../../../electron/backend/reviews/visibility.js';
import { createStudy } from '../../../electron/backend/studies/repository.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import type { OpInput, OpName, OpOutput } from '../../../shared/contract/index.js';
import { startCriticServer, type CriticServer } from '../../helpers/critic-server.js';
import { tempDb } from '../../helpers/db.js';

// "Ask the critic" at the API level (its button and key come with the review workspace's refactor).

const servers: CriticServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function setup(options: { onDemand?: boolean; key?: string } = {}): Promise<{ db: WritableDb; call: <K extends OpName>(name: K, input: OpInput<K>) => Promise<OpOutput<K>>; server: CriticServer; raw: (name: OpName, input: unknown) => Promise<unknown> }> {
  const { db, path } = tempDb();
  loadDemo(db);
  const server = await startCriticServer(options.key ? { apiKey: options.key } : {});
  servers.push(server);
  // the critic exists (one task critiqued), chosen for "Ask the critic"
  await runCritic(db, {
    critic: { name: 'emu', model: 'm', baseUrl: server.baseUrl, prompts: runPrompts(undefined), params: { temperature: 0.3, seed: 0, max_tokens: 200 }, key: options.key ? { kind: 'env', name: 'EMU_KEY' } : { kind: 'none' } },
    apiKey: options.key ?? null,
    samples: 1,
    concurrency: 1,
    tasks: { kind: 'ids', ids: ['demo-walking'] },
    maxRequests: null,
    dryRun: false,
    replace: false,
    onDemand: options.onDemand ?? true,
  });
  const handlers = createHandlers({ db, dbPath: path, host: 'browser', keys: { env: options.key ? { EMU_KEY: options.key } : {} } });
  const raw = async (name: OpName, input: unknown): Promise<unknown> => dispatch(handlers, name, input);
  const call = async <K extends OpName>(name: K, input: OpInput<K>): Promise<OpOutput<K>> => {
    const r = await dispatch(handlers, name, input);
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return r.value as OpOutput<K>;
  };
  return { db, call, server, raw };
}

describe('review:askCritic (practice queue)', () => {
  it('adds the critic’s new critiques to this review under the next neutral ids, through a review event; decisions on them are valid', async () => {
    const { call, server } = await setup({ key: 'sk-ondemand-0123456789' });
    const ann = await call('evaluators:create', { displayName: 'Ann' });
    const queue = (await call('review:queue', { evaluator: ann.id })).items;
    const item = queue.find((q) => q.taskId === 'demo-footbridge')!;
    const begun = await call('review:begin', { evaluator: ann.id, item: item.id });
    expect(begun.shown).toEqual(['k1', 'k2', 'k3', 'k4']);
    const asked = await call('review:askCritic', { evaluator: ann.id, review: begun.review.id });
    expect(asked.added.length).toBeGreaterThan(0);
    expect(asked.added[0]).toBe('k5');
    expect(asked.view.critiques!.map((c) => c.id)).toEqual([...begun.shown!, ...asked.added]);
    expect(asked.view.review!.events.at(-1)!.event).toEqual({ type: 'critiques-added', critiques: asked.added });
    expect(server.requests.at(-1)!.authorization).toBe('Bearer sk-ondemand-0123456789');
    // SECURITY: no original id, score, model or critic name reaches the evaluator
    const text = JSON.stringify(asked);
    expect(text).not.toMatch(/emu\.s|"score"|"model"|sk-ondemand/);
    // hallucinated anchors stay without a highlight
    for (const c of asked.view.critiques!) if (c.range) expect(c.range.end16).toBeGreaterThan(c.range.start16);
    // a decision on a new critique is recorded
    const seq = asked.view.review!.events.at(-1)!.seq;
    const recorded = await call('review:record', { evaluator: ann.id, review: begun.review.id, expectedSeq: seq, clientEventId: 'cid-000001', clientTime: Date.now(), event: { type: 'decision-recorded', critique: asked.added[0]!, verdict: 'accept' } });
    expect(recorded.seq).toBe(seq + 1);
    // asking again draws the next sample (another seed) and appends again
    const again = await call('review:askCritic', { evaluator: ann.id, review: begun.review.id });
    expect(again.added[0]).toBe(`k${4 + asked.added.length + 1}`);
    expect(server.requests.at(-1)!.body['seed']).toBe(1); // samples 0 and 1 of this task, both asked on demand
    const view = await call('review:view', { evaluator: ann.id, item: item.id });
    expect(view.critiques!.map((c) => c.id)).toEqual([...begun.shown!, ...asked.added, ...again.added]);
  });

  it('a client cannot record critiques-added itself; a study review is refused and its shown list never changes', async () => {
    const { db, call, raw } = await setup();
    const ann = await call('evaluators:create', { displayName: 'Ann' });
    const practice = (await call('review:queue', { evaluator: ann.id })).items[0]!;
    const begun = await call('review:begin', { evaluator: ann.id, item: practice.id });
    const forged = await raw('review:record', { evaluator: ann.id, review: begun.review.id, expectedSeq: 0, clientEventId: 'cid-forged-1', clientTime: Date.now(), event: { type: 'critiques-added', critiques: ['k1'] } });
    expect(forged).toMatchObject({ ok: false, error: { code: 'invalid-input', message: /only when the critic is asked in the practice queue/ } });

    // a study reviewed on this machine: its items are in bob's queue here
    createStudy(db, { name: 'pilot', conditions: [{ name: 'a', policy: 'all' }], evaluators: [{ id: 'bob' }], overlap: 1, seed: 1, reviewHere: true });
    const studyItem = (await call('review:queue', { evaluator: 'bob' })).items.find((q) => q.study === 'pilot')!;
    const studyReview = await call('review:begin', { evaluator: 'bob', item: studyItem.id });
    const before = await call('review:view', { evaluator: 'bob', item: studyItem.id });
    expect(await raw('review:askCritic', { evaluator: 'bob', review: studyReview.review.id })).toMatchObject({ ok: false, error: { code: 'conflict', message: /only in the practice queue/ } });
    expect(await call('review:view', { evaluator: 'bob', item: studyItem.id })).toEqual(before);
    // someone else's review: not found, as if it did not exist
    expect(await raw('review:askCritic', { evaluator: 'bob', review: begun.review.id })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('without a configured critic it says so; a submitted review takes no critiques', async () => {
    const { call, raw } = await setup({ onDemand: false });
    const ann = await call('evaluators:create', { displayName: 'Ann' });
    const item = (await call('review:queue', { evaluator: ann.id })).items[0]!;
    const begun = await call('review:begin', { evaluator: ann.id, item: item.id });
    expect(await raw('review:askCritic', { evaluator: ann.id, review: begun.review.id })).toMatchObject({ ok: false, error: { message: /No critic is set up for "Ask the critic"/ } });
    await call('critics:setOnDemand', { name: 'emu' });
    await call('review:record', { evaluator: ann.id, review: begun.review.id, expectedSeq: 0, clientEventId: 'cid-rate-01', clientTime: Date.now(), event: { type: 'rating-set', rating: 4 } });
    await call('review:record', { evaluator: ann.id, review: begun.review.id, expectedSeq: 1, clientEventId: 'cid-submit1', clientTime: Date.now(), event: { type: 'submitted' } });
    expect(await raw('review:askCritic', { evaluator: ann.id, review: begun.review.id })).toMatchObject({ ok: false, error: { code: 'conflict', message: /already submitted/ } });
  });
});

describe('the critic and multi-file code tasks (task format 1.1)', () => {
  it('a run refuses a multi-file task with the reason and asks nothing for it; "Ask the critic" refuses one in practice', async () => {
    const { db, call, server } = await setup();
    importTasks(db, [
      {
        id: 'pr-7',
        kind: 'code',
        title: 'Two files',
        files: [
          { path: 'a.py', output: 'def a():\n    return 1\n', base: 'def a():\n    return 0\n' },
          { path: 'b.py', output: 'print(2)\n' },
        ],
        critiques: [{ id: 'c1', text: 'Why 1?', anchor: { path: 'a.py', lines: [2, 2] } }],
      },
    ]);
    const before = server.requests.length;
    const summary = await runCritic(db, {
      critic: { name: 'emu', model: 'm', baseUrl: server.baseUrl, prompts: runPrompts(undefined), params: { temperature: 0.3, seed: 0, max_tokens: 200 }, key: { kind: 'none' } },
      apiKey: null,
      samples: 1,
      concurrency: 2,
      tasks: { kind: 'all' },
      maxRequests: null,
      dryRun: false,
      replace: false,
    });
    expect(summary.refused).toEqual([{ task: 'pr-7', reason: 'task "pr-7" is a multi-file code task: the critic reads tasks with one output (and its base) only, so it was not asked' }]);
    expect(summary.done).toBe(3); // the other demo tasks (demo-walking had its sample)
    expect(server.requests.length - before).toBe(3);
    expect(server.requests.every((r) => !JSON.stringify(r.body).includes('return 1'))).toBe(true);
    expect(db.prepare(`SELECT count(*) AS n FROM critic_samples WHERE task_id = 'pr-7'`).get()).toEqual({ n: 0 });

    const ann = await call('evaluators:create', { displayName: 'Ann' });
    const item = (await call('review:queue', { evaluator: ann.id })).items.find((q) => q.taskId === 'pr-7')!;
    const begun = await call('review:begin', { evaluator: ann.id, item: item.id });
    await expect(call('review:askCritic', { evaluator: ann.id, review: begun.review.id })).rejects.toThrow(/invalid-input: The critic cannot be asked here: task "pr-7" is a multi-file code task/);
    expect(server.requests.length - before).toBe(3);
  });

  it('critic policies tell files apart: the same lines of two files are two places (pooled samples keep both), and the sweep matches per file', async () => {
    const { db } = tempDb();
    const critic = (sample: number) => ({ name: 'ext', sample });
    importTasks(db, [
      {
        id: 'pr-8',
        kind: 'code',
        files: [
          { path: 'a.py', output: 'x = 1\ny = 2\n' },
          { path: 'b.py', output: 'p = 1\nq = 2\n' },
        ],
        critiques: [
          { id: 'ext.s0.c1', text: 'a.py line 2', score: 0.9, anchor: { path: 'a.py', lines: [2, 2] }, critic: critic(0) },
          { id: 'ext.s1.c1', text: 'b.py line 2', score: 0.8, anchor: { path: 'b.py', lines: [2, 2] }, critic: critic(1) },
          { id: 'ext.s1.c2', text: 'a.py line 2 again', score: 0.7, anchor: { path: 'a.py', lines: [2, 2] }, critic: critic(1) },
        ],
        flaws: [{ id: 'f1', description: 'b.py line 2 is wrong', anchor: { path: 'b.py', lines: [2, 2] } }],
      },
    ]);
    const rows = taskCritiqueRows(db, 'pr-8');
    const shown = selectShownRows(rows, 'critic=ext', { kind: 'code', samples: [0, 1] }).map((r) => r.id);
    // the duplicate on a.py goes; the critique on b.py is another place and stays
    expect(shown).toEqual(['ext.s0.c1', 'ext.s1.c1']);
    const [all] = sweepFromDb(db, 'ext', ['all']);
    expect(all).toMatchObject({ flaws: 1, pointedOut: 1, shown: 2, unmatched: 1 });
  });
});
