// The task browser's back end (issue #12): search over title, id and text, filters, sorts, counts,
// the researcher's preview, and the index and facets staying right through every path that writes tasks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/backend/db/open.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { createEvaluator, ensurePracticeQueue, getQueue } from '../../../electron/backend/reviews/repository.js';
import { exportPack } from '../../../electron/backend/studies/packs.js';
import { createStudy } from '../../../electron/backend/studies/repository.js';
import { RANK_LIMIT, searchTasks, taskDetail, taskFacets } from '../../../electron/backend/tasks/browse.js';
import { importTasks, runImport } from '../../../electron/backend/tasks/import.js';
import type { TaskQuery } from '../../../shared/contract/tasks.js';
import { reviewChangeTask } from '../../fixtures/review-change.js';
import { startReview } from '../../helpers/review.js';
import { tempDbPath } from '../../helpers/temp.js';

const summary = (id: string, extra: Record<string, unknown> = {}) => ({ id, kind: 'summary', output: `Output of ${id}.`, ...extra });

/** A small corpus with everything the filters look at. */
const corpus = [
  summary('bridge-1', {
    title: 'Footbridge closure',
    output: 'The council closed the footbridge for a year. Engineers found corrosion.',
    context: { query: 'Summarise for a resident.', document: 'A document about zebras.' },
    critiques: [
      { id: 'c1', text: 'It closes for six months.', anchor: { quote: 'for a year' }, score: 0.9, model: 'critic-v2', valid: true, severity: 'major' },
      { id: 'c2', text: 'The council only voted.', valid: false, model: 'critic-v2' },
    ],
    flaws: [{ id: 'f1', description: 'Wrong duration.', anchor: { quote: 'a year' }, severity: 'major', critiques: ['c1'] }],
    meta: { source: 'CLIFF via AggreFact', batch: 7 },
  }),
  summary('bridge-2', { title: 'Footbridge closure', output: 'Café résumé: the bridge closes in spring.', meta: { source: 'CLIFF via AggreFact' }, flaws: [{ id: 'f1', description: 'No anchor.' }] }),
  summary('untitled-3', { output: 'A summary without a title about zebras and lions.', meta: { source: 'openai' } }),
  {
    id: 'code-4',
    kind: 'code',
    language: 'python',
    title: 'Sum of a list',
    base: 'def total(xs):\n    return sum(xs)\n',
    output: 'def total(xs):\n    s = 0\n    for x in xs[1:]:\n        s += x\n    return s\n',
    context: { problem: 'Return the sum of a list of numbers.' },
    critiques: [{ id: 'c1', text: 'Skips the first element.', anchor: { lines: [3, 3] } }],
    flaws: [{ id: 'f1', description: 'Off by one.', anchor: { lines: [3, 3] }, critiques: ['c1'] }],
    meta: { source: 7 },
  },
  summary('bench-42', { title: 'Zebra count', output: 'Forty-two zebras.' }),
  summary('bench-420', { title: 'Lion count', output: 'Four hundred and twenty lions.' }),
];

function db(): WritableDb {
  const d = openDatabase(tempDbPath());
  const r = importTasks(d, corpus, 'corpus.jsonl');
  expect(r.errorCount, r.errors.join('\n')).toBe(0);
  return d;
}

/** The ids found, in import order unless `q` asks for another. */
const ids = (d: WritableDb, q: TaskQuery): string[] => searchTasks(d, { limit: 500, sort: 'import', ...q }).items.map((t) => t.id);

describe('task browser: search', () => {
  it('finds words in the title, the id and the text (output, query, problem), ignoring case and accents; every word must match', () => {
    const d = db();
    expect(ids(d, { q: 'footbridge' })).toEqual(['bridge-1', 'bridge-2']);
    expect(ids(d, { q: 'CORROSION' })).toEqual(['bridge-1']);
    expect(ids(d, { q: 'cafe resume' })).toEqual(['bridge-2']);
    expect(ids(d, { q: 'resident' })).toEqual(['bridge-1']); // context.query
    expect(ids(d, { q: 'numbers' })).toEqual(['code-4']); // context.problem
    expect(ids(d, { q: 'zebras' })).toEqual(['untitled-3', 'bench-42']); // not bridge-1, whose *document* mentions zebras
    expect(ids(d, { q: 'zebras lions' })).toEqual(['untitled-3']);
    expect(ids(d, { q: '"closed the footbridge"' })).toEqual(['bridge-1']);
    expect(ids(d, { q: '"footbridge the closed"' })).toEqual([]);
  });

  it('matches the last word as a prefix while typing; ranks an exact id first, then hits in titles and ids above hits in the text', () => {
    const d = db();
    expect(ids(d, { q: 'corro' })).toEqual(['bridge-1']);
    expect(ids(d, { q: 'corro ' })).toEqual([]); // a finished word is a whole word
    expect(ids(d, { q: 'bench-42' })).toEqual(['bench-42', 'bench-420']);
    expect(ids(d, { q: 'bench-420', sort: 'relevance' })).toEqual(['bench-420']);
    expect(ids(d, { q: 'bench-42', sort: 'relevance' })).toEqual(['bench-42', 'bench-420']);
    expect(ids(d, { q: 'bench-42', sort: 'newest' })).toEqual(['bench-420', 'bench-42']);
    expect(ids(d, { q: 'zebra', sort: 'relevance' })).toEqual(['bench-42', 'untitled-3']); // "Zebra count" (title) before a text that mentions zebras
    const page = searchTasks(d, { q: 'bench-42 ' }); // relevance by default when there is search text
    expect(page.items.map((t) => t.id)).toEqual(['bench-42']);
    expect(page.sort).toBe('relevance');
    expect(page.terms).toEqual(['bench-42']);
  });

  it('ignores words without a letter or digit, and says so; text with nothing searchable lists everything', () => {
    const d = db();
    const page = searchTasks(d, { q: '🎉 -- zebras', sort: 'import' });
    expect(page.ignored).toEqual(['🎉', '--']);
    expect(page.items.map((t) => t.id)).toEqual(['untitled-3', 'bench-42']);
    const nothing = searchTasks(d, { q: '*** ""' });
    expect(nothing.total).toBe(6);
    expect(nothing.sort).toBe('import');
  });

  it('never fails on hostile text: FTS5 operators and syntax are only ever words (property)', () => {
    const d = db();
    const total = searchTasks(d, {}).total!;
    const special = fc.constantFrom('"', '*', '(', ')', ':', '^', '+', '-', 'AND', 'OR', 'NOT', 'NEAR', 'NEAR(', 'title:', '{id}', '\u0000', ' ', 'zebras', 'é', '\\');
    fc.assert(
      fc.property(fc.array(fc.oneof(special, fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 12 }), (parts) => {
        const page = searchTasks(d, { q: parts.join('') });
        expect(page.total).toBeLessThanOrEqual(total);
        expect(page.items.length).toBe(Math.min(page.total!, 100));
      }),
      { numRuns: 300 },
    );
    // what reads as an operator is searched for as a word
    expect(ids(d, { q: 'NOT zebras' })).toEqual([]);
    expect(ids(d, { q: 'title:zebra' })).toEqual([]);
  });

  it('gives each row a snippet around the first search word, or the beginning of the output, and the counts', () => {
    const d = db();
    const [row] = searchTasks(d, { q: 'corrosion' }).items;
    expect(row).toMatchObject({
      id: 'bridge-1',
      title: 'Footbridge closure',
      critiqueCount: 2,
      flawCount: 1,
      anchoredFlawCount: 1,
      source: 'CLIFF via AggreFact',
      studies: [],
      studyCount: 0,
    });
    expect(row!.snippet).toContain('Engineers found corrosion.');
    const untitled = searchTasks(d, { q: 'lions', sort: 'import' }).items[0]!;
    expect(untitled).toMatchObject({ id: 'untitled-3', title: null, snippet: 'A summary without a title about zebras and lions.' });
    const code = searchTasks(d, { kind: 'code' }).items[0]!;
    expect(code).toMatchObject({ id: 'code-4', language: 'python', hasBase: true, source: null }); // a source that is not a string is no source
  });
});

describe('task browser: filters, sorts and counts', () => {
  it('filters by kind, by what the task has, by study and by meta.source, and counts the matches', () => {
    const d = db();
    expect(ids(d, { kind: 'code' })).toEqual(['code-4']);
    expect(ids(d, { has: ['critiques'] })).toEqual(['bridge-1', 'code-4']);
    expect(ids(d, { has: ['flaws'] })).toEqual(['bridge-1', 'bridge-2', 'code-4']);
    expect(ids(d, { has: ['anchored-flaws'] })).toEqual(['bridge-1', 'code-4']);
    expect(ids(d, { has: ['flaws', 'no-critiques'] })).toEqual(['bridge-2']);
    expect(ids(d, { has: ['no-flaws'] })).toEqual(['untitled-3', 'bench-42', 'bench-420']);
    expect(ids(d, { source: 'CLIFF via AggreFact' })).toEqual(['bridge-1', 'bridge-2']);
    createStudy(d, { name: 'pilot', conditions: [{ name: 'a', policy: 'all' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 1, tasks: ['bridge-2', 'code-4'] });
    expect(ids(d, { inStudy: 'any' })).toEqual(['bridge-2', 'code-4']);
    expect(ids(d, { inStudy: 'none' })).toEqual(['bridge-1', 'untitled-3', 'bench-42', 'bench-420']);
    expect(ids(d, { study: 'pilot', has: ['critiques'] })).toEqual(['code-4']);
    expect(ids(d, { study: 'no such study' })).toEqual([]);
    const page = searchTasks(d, { q: 'footbridge', inStudy: 'any' });
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({ id: 'bridge-2', studies: ['pilot'], studyCount: 1 });
  });

  it('sorts by import order, newest, title (an untitled task by its id), id, critiques and flaws; pages with offset and limit', () => {
    const d = db();
    expect(ids(d, { sort: 'import' })).toEqual(['bridge-1', 'bridge-2', 'untitled-3', 'code-4', 'bench-42', 'bench-420']);
    expect(ids(d, { sort: 'newest' })).toEqual(['bench-420', 'bench-42', 'code-4', 'untitled-3', 'bridge-2', 'bridge-1']);
    expect(ids(d, { sort: 'title' })).toEqual(['bridge-1', 'bridge-2', 'bench-420', 'code-4', 'untitled-3', 'bench-42']);
    expect(ids(d, { sort: 'id' })).toEqual(['bench-42', 'bench-420', 'bridge-1', 'bridge-2', 'code-4', 'untitled-3']);
    expect(ids(d, { sort: 'critiques' }).slice(0, 2)).toEqual(['bridge-1', 'code-4']);
    expect(ids(d, { sort: 'flaws' }).slice(0, 3)).toEqual(['bridge-1', 'bridge-2', 'code-4']);
    const page = searchTasks(d, { sort: 'import', offset: 2, limit: 2, withTotal: true });
    expect(page).toMatchObject({ total: 6, sort: 'import' });
    expect(page.items.map((t) => t.id)).toEqual(['untitled-3', 'code-4']);
    expect(searchTasks(d, { offset: 2, limit: 2 }).total).toBeNull(); // a later page need not count again
    expect(searchTasks(d, { sort: 'relevance' }).sort).toBe('import'); // nothing to rank by without search text
  });

  it(`ranks by best match up to ${RANK_LIMIT} matches; beyond, lists in import order and says so`, () => {
    const d = openDatabase(tempDbPath());
    importTasks(d, Array.from({ length: RANK_LIMIT + 1 }, (_, i) => summary(`w-${i}`, { output: i % 2 ? 'common word' : 'common common common word' })));
    const many = searchTasks(d, { q: 'common', limit: 3 });
    expect(many).toMatchObject({ total: RANK_LIMIT + 1, sort: 'import', unranked: true });
    expect(many.items.map((t) => t.id)).toEqual(['w-0', 'w-1', 'w-2']);
    const few = searchTasks(d, { q: 'common', kind: 'summary', source: 'none' });
    expect(few).toMatchObject({ total: 0, unranked: false });
    d.prepare(`DELETE FROM tasks WHERE id IN (SELECT id FROM tasks WHERE seq > 10)`).run();
    const ranked = searchTasks(d, { q: 'common', limit: 3 });
    expect(ranked).toMatchObject({ total: 10, sort: 'relevance', unranked: false });
    expect(ranked.items[0]!.id).toMatch(/^w-\d*[02468]$/); // "common" three times ranks above once
  });

  it('offers the kinds, sources and studies there are, with counts', () => {
    const d = db();
    createStudy(d, { name: 'pilot', conditions: [{ name: 'a', policy: 'none' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 1, tasks: ['bridge-2'] });
    expect(taskFacets(d)).toEqual({
      total: 6,
      kinds: [
        { kind: 'summary', count: 5 },
        { kind: 'code', count: 1 },
      ],
      sources: [
        { source: 'CLIFF via AggreFact', count: 2 },
        { source: 'openai', count: 1 },
      ],
      studies: [{ name: 'pilot', state: 'open', archived: false, tasks: 1 }],
    });
  });

  it('never lists a task of an import still under way', () => {
    const d = db();
    runImport(d, 'late.jsonl', { batchTasks: 1 }, (session) => {
      session.push(Buffer.from(`${JSON.stringify(summary('late-1', { title: 'Footbridge again' }))}\n${JSON.stringify(summary('late-2'))}\n`));
      // both lines were written (staged) but not published: no path of the browser sees them
      expect(ids(d, { q: 'footbridge' })).toEqual(['bridge-1', 'bridge-2']);
      expect(searchTasks(d, {}).total).toBe(6);
      expect(taskFacets(d).total).toBe(6);
      expect(() => taskDetail(d, 'late-1')).toThrow(/No task with id "late-1"/);
    });
    expect(ids(d, { q: 'footbridge' })).toEqual(['bridge-1', 'bridge-2', 'late-1']);
  });
});

describe('task browser: the researcher preview', () => {
  it('shows critiques with score, validity and model, flaws with resolved anchors, meta, studies and reviews', () => {
    const d = db();
    const t = taskDetail(d, 'bridge-1');
    expect(t).toMatchObject({ id: 'bridge-1', title: 'Footbridge closure', source: 'CLIFF via AggreFact', meta: { source: 'CLIFF via AggreFact', batch: 7 }, reviews: 0, frozen: null });
    expect(t.critiques).toEqual([
      expect.objectContaining({ id: 'c1', score: 0.9, model: 'critic-v2', valid: true, severity: 'major', anchor: { quote: 'for a year' } }),
      expect.objectContaining({ id: 'c2', score: null, valid: false, range: null }),
    ]);
    const output = t.output;
    const f = t.flaws[0]!;
    expect(output.slice(f.range!.start16, f.range!.end16)).toBe('a year');
    expect(f).toMatchObject({ id: 'f1', critiques: ['c1'], severity: 'major' });
    expect(t.deletable).toEqual({ ok: true, reason: null });
    const code = taskDetail(d, 'code-4');
    expect(code.flaws[0]!.range).toMatchObject({ lines: [3, 3], side: 'output' });
    expect(() => taskDetail(d, 'nope')).toThrow(/No task with id "nope"/);
  });

  it('a multi-file task: its row counts its files and lists their paths as its snippet; its preview has the files and ranges naming them', () => {
    const d = db();
    const r = importTasks(d, [reviewChangeTask], 'change.jsonl');
    expect(r.errorCount, r.errors.join('\n')).toBe(0);
    const row = searchTasks(d, { q: 'invoice' }).items.find((t) => t.id === 'demo-invoice-rounding')!;
    expect(row).toMatchObject({ kind: 'code', files: 4, hasBase: false, critiqueCount: 5, flawCount: 1 });
    expect(row.snippet).toBe('billing/invoice.py · billing/rounding.py · tests/test_invoice.py · billing/legacy.py');
    expect(searchTasks(d, { kind: 'code' }).items.find((t) => t.id === 'code-4')).toMatchObject({ files: null });
    const t = taskDetail(d, 'demo-invoice-rounding');
    expect(t.files?.map((f) => [f.path, f.deleted, f.renamedFrom])).toEqual([
      ['billing/invoice.py', false, null],
      ['billing/rounding.py', false, 'billing/money.py'],
      ['tests/test_invoice.py', false, null],
      ['billing/legacy.py', true, null],
    ]);
    expect(t.critiques.find((c) => c.id === 'c4')!.range).toMatchObject({ path: 'billing/rounding.py', side: 'base', lines: [5, 5] });
    expect(t.flaws[0]!.range).toMatchObject({ path: 'billing/invoice.py', side: 'output', lines: [14, 15] });
  });

  it('says why a task shown in a study can no longer change or be deleted', () => {
    const d = db();
    createStudy(d, { name: 'pilot', conditions: [{ name: 'a', policy: 'all' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 1, tasks: ['bridge-1'] });
    expect(taskDetail(d, 'bridge-1').deletable.reason).toMatch(/in study "pilot"/);
    exportPack(d, 'pilot', 'ann');
    const t = taskDetail(d, 'bridge-1');
    expect(t.studies).toEqual([{ name: 'pilot', state: 'open', archived: false }]);
    expect(t.frozen).toMatch(/belongs to study "pilot" \(1 pack issued\)/);
    const ann = createEvaluator(d, 'Practice Pat').id;
    ensurePracticeQueue(d, ann);
    const item = getQueue(d, ann).find((q) => q.taskId === 'untitled-3')!;
    startReview(d, ann, item.id);
    expect(taskDetail(d, 'untitled-3')).toMatchObject({ reviews: 1, deletable: { ok: false, reason: expect.stringMatching(/has 1 review/) } });
  });
});

describe('task browser: the index and the facets follow every change', () => {
  it('a replaced task is found by its new text, not its old, with its new counts', () => {
    const d = db();
    const r = importTasks(d, [summary('bridge-2', { title: 'Viaduct', output: 'New words: aqueduct.', critiques: [{ id: 'k', text: 'x' }] })], 'v2.jsonl', { replace: true });
    expect(r.errorCount, r.errors.join('\n')).toBe(0);
    expect(ids(d, { q: 'aqueduct' })).toEqual(['bridge-2']);
    expect(ids(d, { q: 'cafe' })).toEqual([]);
    expect(ids(d, { q: 'footbridge' })).toEqual(['bridge-1']);
    expect(searchTasks(d, { q: 'viaduct' }).items[0]).toMatchObject({ critiqueCount: 1, flawCount: 0, anchoredFlawCount: 0, source: null });
  });

  it('facets equal the tasks, critiques and flaws after any sequence of imports, replacements and deletions (property)', () => {
    const d = openDatabase(tempDbPath());
    const arbTask = fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'd'),
      title: fc.option(fc.constantFrom('Alpha', 'beta', 'Ωmega'), { nil: undefined }),
      critiques: fc.nat({ max: 3 }),
      flaws: fc.nat({ max: 2 }),
      anchored: fc.boolean(),
      source: fc.option(fc.constantFrom('s1', 's2'), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(arbTask.map((t) => ({ op: 'put' as const, t })), fc.constantFrom('a', 'b', 'c', 'd').map((id) => ({ op: 'delete' as const, id }))), { maxLength: 12 }), (steps) => {
        for (const step of steps) {
          if (step.op === 'delete') d.prepare('DELETE FROM tasks WHERE id = ?').run(step.id);
          else {
            const { id, title, critiques, flaws, anchored, source } = step.t;
            const task = {
              id,
              kind: 'summary',
              output: `word${critiques} text of ${id}`,
              ...(title !== undefined ? { title } : {}),
              critiques: Array.from({ length: critiques }, (_, i) => ({ id: `c${i}`, text: 't' })),
              flaws: Array.from({ length: flaws }, (_, i) => ({ id: `f${i}`, description: 'd', ...(anchored && i === 0 ? { anchor: { quote: 'text' } } : {}) })),
              ...(source !== undefined ? { meta: { source } } : {}),
            };
            importTasks(d, [task], 'step.jsonl', { replace: true });
          }
        }
        const facets = d.prepare('SELECT task_id, kind, sort_title, source, critiques, flaws, anchored_flaws FROM task_facets ORDER BY seq').all();
        const truth = d
          .prepare(
            `SELECT t.id AS task_id, t.kind, coalesce(t.title, t.id) AS sort_title, json_extract(t.meta_json, '$.source') AS source,
                    (SELECT count(*) FROM critiques c WHERE c.task_id = t.id) AS critiques,
                    (SELECT count(*) FROM flaws f WHERE f.task_id = t.id) AS flaws,
                    (SELECT count(*) FROM flaws f WHERE f.task_id = t.id AND f.anchor_json IS NOT NULL) AS anchored_flaws
               FROM tasks t ORDER BY t.seq`,
          )
          .all();
        expect(facets).toEqual(truth);
        // the index holds exactly the tasks there are, each under its current text
        for (const t of truth as { task_id: string }[]) expect(ids(d as WritableDb, { q: `"${t.task_id}"` })).toContain(t.task_id);
        expect((d.prepare(`SELECT count(*) AS n FROM task_search WHERE task_search MATCH 'text'`).get() as { n: number }).n).toBe(truth.length);
      }),
      { numRuns: 60 },
    );
  });
});
