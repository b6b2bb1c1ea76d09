// The task browser at 100,000 tasks (issue #12): search, filters, sorts and the researcher's
// preview through browser mode's HTTP API, as the Tasks screen calls them (the worker thread, the
// contract's checks and JSON included).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../electron/backend/db/open.js';
import { createStudy } from '../../electron/backend/studies/repository.js';
import { importFile } from '../../electron/backend/tasks/import.js';
import type { TaskQuery } from '../../shared/contract/tasks.js';
import { seededRng } from '../../shared/study/random.js';
import { writeCorpus } from '../../test/fixtures/task-corpus.js';
import { startServe } from '../../test/helpers/server.js';
import type { BenchFigure, BenchSection } from '../section.js';
import { percentile } from '../stats.js';

const TASKS = Number(process.env['ASSAY_BENCH_BROWSER_TASKS'] ?? 100_000);
/** Each query of the mix runs this many times. */
const ROUNDS = 12;
/** Goals: what keeps typing in the search box and stepping through results fluid. */
const SEARCH_P95_MS = 100;
const PREVIEW_P95_MS = 50;

/** The mix: what a researcher types and picks, from a word in a handful of tasks to one in all of them. */
const queries: readonly { name: string; query: TaskQuery }[] = [
  { name: 'rare word (~0.1%)', query: { q: 'zeppelin' } },
  { name: 'uncommon word (~1%)', query: { q: 'engineers' } },
  { name: 'word in ~5%', query: { q: 'footbridge' } },
  { name: 'word in ~25%', query: { q: 'corrosion' } },
  { name: 'word in every task, by relevance', query: { q: 'council' } },
  { name: 'two words', query: { q: 'bridge corrosion' } },
  { name: 'phrase', query: { q: '"the council"' } },
  { name: 'typing a prefix', query: { q: 'corr' } },
  { name: 'an id', query: { q: 'task-042424' } },
  { name: 'a repeated title', query: { q: 'last night leftovers' } },
  { name: 'filters: code, anchored flaws, by title', query: { kind: 'code', has: ['anchored-flaws'], sort: 'title' } },
  { name: 'filters: in no study, one source', query: { inStudy: 'none', source: 'cliff' } },
  { name: 'filter: in a study, with flaws', query: { study: 'pilot', has: ['flaws'] } },
  { name: 'search + filters + sort by critiques', query: { q: 'bridge', kind: 'summary', has: ['critiques'], sort: 'critiques' } },
  { name: 'everything, newest first', query: { sort: 'newest' } },
  { name: 'a page deep in the list (offset 90,000)', query: { offset: 90_000 } },
];

async function call(url: string, op: string, input: unknown): Promise<{ ms: number; value: unknown }> {
  const t0 = performance.now();
  const res = await fetch(`${url}api/${op}`, { method: 'POST', body: JSON.stringify(input) });
  const body = (await res.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
  const ms = performance.now() - t0;
  if (!body.ok) throw new Error(`${op}: ${body.error?.message}`);
  return { ms, value: body.value };
}

/** `npm run bench -- browser`. */
export const taskBrowserSection: BenchSection = {
  name: 'task browser, 100k tasks',
  async run(): Promise<readonly BenchFigure[]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-bench-browser-'));
    try {
      const file = path.join(dir, 'tasks.jsonl');
      const bytes = writeCorpus(file, TASKS);
      const dbPath = path.join(dir, 'browser.db');
      const db = openDatabase(dbPath);
      const report = importFile(db, file);
      if (report.errorCount) throw new Error(report.errors.slice(0, 5).join('\n'));
      const ids = (db.prepare('SELECT id FROM tasks ORDER BY seq').all() as { id: string }[]).map((r) => r.id);
      createStudy(db, { name: 'pilot', conditions: [{ name: 'a', policy: 'all' }, { name: 'b', policy: 'none' }], evaluators: [{ id: 'ann' }, { id: 'bob' }], overlap: 2, seed: 1, tasks: ids.slice(0, 2000) });
      db.close();
      const server = await startServe(dbPath);
      try {
        for (const { query } of queries) await call(server.url, 'tasks:search', query); // warm up: statements prepared, pages cached
        const all: number[] = [];
        const perQuery: { name: string; p95: number; total: number | null }[] = [];
        // a page past the first is not counted again (the API answers total: null there)
        const matches = (total: number | null): string => (total === null ? '' : ` (${total} matches)`);
        for (const { name, query } of queries) {
          const times: number[] = [];
          let total: number | null = 0;
          for (let r = 0; r < ROUNDS; r++) {
            const { ms, value } = await call(server.url, 'tasks:search', query);
            times.push(ms);
            total = (value as { total: number | null }).total;
          }
          all.push(...times);
          perQuery.push({ name, p95: percentile(times, 0.95), total });
        }
        const facets = await call(server.url, 'tasks:facets', {});
        const rng = seededRng(5);
        const previews: number[] = [];
        for (let i = 0; i < 200; i++) previews.push((await call(server.url, 'tasks:detail', { id: ids[rng.below(ids.length)]! })).ms);
        const searchP95 = percentile(all, 0.95);
        const previewP95 = percentile(previews, 0.95);
        const worst = [...perQuery].sort((a, b) => b.p95 - a.p95)[0]!;
        return [
          { name: `corpus: ${TASKS} tasks (${(bytes / 2 ** 20).toFixed(0)} MB)`, value: TASKS, unit: 'tasks' },
          { name: `search p50 over ${queries.length} queries × ${ROUNDS} (HTTP round trip)`, value: percentile(all, 0.5), unit: 'ms' },
          { name: 'search p95', value: searchP95, unit: 'ms', goal: `≤ ${SEARCH_P95_MS} ms`, pass: searchP95 <= SEARCH_P95_MS },
          { name: `slowest query p95: ${worst.name}${matches(worst.total)}`, value: worst.p95, unit: 'ms' },
          ...perQuery.map((q) => ({ name: `  ${q.name}${matches(q.total)} p95`, value: q.p95, unit: 'ms' })),
          { name: 'filter choices (tasks:facets)', value: facets.ms, unit: 'ms' },
          { name: 'preview (tasks:detail) p50, 200 random tasks', value: percentile(previews, 0.5), unit: 'ms' },
          { name: 'preview p95', value: previewP95, unit: 'ms', goal: `≤ ${PREVIEW_P95_MS} ms`, pass: previewP95 <= PREVIEW_P95_MS },
        ];
      } finally {
        await server.stop();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
