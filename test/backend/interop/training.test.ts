import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/backend/db/open.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import { parseSplit, splitTasks, SplitError } from '../../../shared/interop/split.js';
import { captureCli } from '../../helpers/cli.js';
import { tempDb } from '../../helpers/db.js';
import { describeWithDatasets } from '../../helpers/datasets.js';
import { parquetColumnsWithDuckDb, readParquetWithDuckDb } from '../../helpers/duckdb.js';
import { tempDir } from '../../helpers/temp.js';
import { studyWithReviews } from './fixture.js';

const SECRET = { flaw: 'PLANTED-FLAW-SECRET', meta: 'META-SECRET', decoy: 'DECOY-CRITIQUE-SECRET', title: 'TITLE-SECRET', extra: 'EXTRA-FIELD-SECRET' };

/** Six summary tasks, each with a valid critique, an unanchored one and a decoy; ground truth and meta carry secrets. */
function fixtureTasks(): Record<string, unknown>[] {
  return Array.from({ length: 6 }, (_, i) => ({
    id: `t${i + 1}`,
    kind: 'summary',
    title: `${SECRET.title} ${i}`,
    output: `Report ${i + 1}: the 🎉 council closed the bridge for a year.`,
    context: { document: `Source ${i + 1}: the bridge closes for six months.`, query: 'What happened?', note: SECRET.extra },
    critiques: [
      { id: 'good', text: 'Six months, not a year.', anchor: { quote: 'for a year' }, valid: true, score: 0.9 },
      { id: 'vague', text: 'Too vague.', valid: true, score: 0.4 },
      { id: 'decoy', text: SECRET.decoy, anchor: { quote: 'council' }, valid: false, score: 0.2 },
    ],
    flaws: [{ id: 'f1', description: SECRET.flaw, anchor: { quote: 'for a year' }, critiques: ['good'] }],
    meta: { note: SECRET.meta },
  }));
}

/**
 * A study of the fixture: two evaluators, assisted and unassisted, every task twice. Assisted
 * reviews accept `good` (ann edits it), reject the decoy and leave `vague` undecided; unassisted
 * reviews add a flaw; bo skips t6.
 */
function setUp(): { dbPath: string } {
  const { db, path: dbPath } = tempDb();
  importTasks(db, fixtureTasks());
  studyWithReviews(
    db,
    {
      name: 'train',
      evaluators: ['ann', 'bo'],
      overlap: 2,
      seed: 4,
      conditions: [
        { name: 'assisted', policy: 'all' },
        { name: 'unassisted', policy: 'none' },
      ],
    },
    (a) => {
      if (a.evaluator === 'bo' && a.task === 't6') return { skipped: 'no time' };
      if (a.condition === 'unassisted') return { added: [{ id: 'own', description: 'The duration is wrong.', anchor: { quote: 'for a year' } }], rating: 3 };
      return {
        decisions: [
          a.evaluator === 'ann' ? { critique: 'good', verdict: 'accept', edited_text: 'It closes for six months.' } : { critique: 'good', verdict: 'accept' },
          { critique: 'decoy', verdict: 'reject', reason: 'incorrect' },
        ],
        rating: 2,
      };
    },
  );
  db.close();
  return { dbPath };
}

function readJsonl(file: string): Record<string, unknown>[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function exportTraining(dbPath: string, ...args: string[]): Promise<string> {
  const out = path.join(tempDir(), 'ds');
  const r = await captureCli(['export', 'training', '--study', 'train', '--out', out, '--db', dbPath, ...args]);
  expect(r.code, r.err).toBe(0);
  return out;
}

describe('assay export training', () => {
  it('critique-labels: one row per critique shown in a submitted review, with its verdict; skipped reviews and unassisted ones add none', async () => {
    const { dbPath } = setUp();
    const out = await exportTraining(dbPath, '--kind', 'critique-labels');
    expect(fs.readdirSync(out).sort()).toEqual(['README.md', 'data.jsonl']);
    const rows = readJsonl(path.join(out, 'data.jsonl'));
    // every task has one assisted review; bo's assisted review of t6 may be the skipped one
    const db = openDatabase(dbPath);
    const submittedAssisted = (
      db.prepare(`SELECT count(*) AS n FROM reviews r JOIN queue_items q ON q.id = r.queue_item_id WHERE q.condition = 'assisted' AND r.status = 'submitted'`).get() as { n: number }
    ).n;
    db.close();
    expect(rows).toHaveLength(submittedAssisted * 3);
    expect(new Set(rows.map((r) => r['verdict']))).toEqual(new Set(['accept', 'accept-edited', 'reject', 'undecided']));
    const edited = rows.find((r) => r['verdict'] === 'accept-edited')!;
    expect(edited).toMatchObject({ evaluator: 'ann', critique_id: 'good', critique: 'Six months, not a year.', critique_quote: 'for a year', edited_critique: 'It closes for six months.', reason: null, condition: 'assisted' });
    expect(rows.find((r) => r['verdict'] === 'reject')).toMatchObject({ critique_id: 'decoy', reason: 'incorrect', edited_critique: null });
    expect(rows.filter((r) => r['critique_id'] === 'vague').every((r) => r['verdict'] === 'undecided')).toBe(true);
    const t1 = rows.find((r) => r['task'] === 't1')!;
    expect(t1['prompt']).toBe('Question: What happened?\n\nDocument:\nSource 1: the bridge closes for six months.\n\nSummary:\nReport 1: the 🎉 council closed the bridge for a year.');
    expect(t1).toMatchObject({ query: 'What happened?', document: 'Source 1: the bridge closes for six months.', problem: null, output: 'Report 1: the 🎉 council closed the bridge for a year.' });
  });

  it('never puts ground truth, decoys, titles, meta or other critiques into a prompt, in any kind', async () => {
    const { dbPath } = setUp();
    for (const kind of ['critique-labels', 'preference', 'critique-sft']) {
      const out = await exportTraining(dbPath, '--kind', kind);
      const rows = readJsonl(path.join(out, 'data.jsonl'));
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        for (const secret of Object.values(SECRET)) expect(r['prompt']).not.toContain(secret);
        expect(r['prompt']).not.toContain('Six months, not a year.');
        expect(r['prompt']).not.toContain('valid');
        expect(JSON.stringify(r)).not.toContain(SECRET.flaw);
        expect(JSON.stringify(r)).not.toContain(SECRET.meta);
      }
    }
  });

  it('preference: accepted over rejected within a review, and the evaluator’s edit over the model’s text', async () => {
    const { dbPath } = setUp();
    const rows = readJsonl(path.join(await exportTraining(dbPath, '--kind', 'preference'), 'data.jsonl'));
    const ann = rows.filter((r) => r['evaluator'] === 'ann');
    expect(ann.map((r) => r['pair']).sort()).toEqual([...Array(ann.length / 2).fill('accepted-over-rejected'), ...Array(ann.length / 2).fill('edited-over-original')].sort());
    expect(ann.find((r) => r['pair'] === 'accepted-over-rejected')).toMatchObject({ chosen: '"for a year": It closes for six months.', rejected: `"council": ${SECRET.decoy}`, chosen_critique_id: 'good', rejected_critique_id: 'decoy' });
    expect(ann.find((r) => r['pair'] === 'edited-over-original')).toMatchObject({ chosen: '"for a year": It closes for six months.', rejected: '"for a year": Six months, not a year.' });
    expect(rows.filter((r) => r['evaluator'] === 'bo').every((r) => r['pair'] === 'accepted-over-rejected' && r['chosen'] === '"for a year": Six months, not a year.')).toBe(true);
    expect(Object.keys(rows[0]!)).toEqual(expect.arrayContaining(['prompt', 'chosen', 'rejected']));
  });

  it('critique-sft: the human-corrected list (accepted, edited, added); rejected and undecided critiques left out', async () => {
    const { dbPath } = setUp();
    const rows = readJsonl(path.join(await exportTraining(dbPath, '--kind', 'critique-sft'), 'data.jsonl'));
    const assistedAnn = rows.find((r) => r['evaluator'] === 'ann' && r['condition'] === 'assisted')!;
    expect(assistedAnn['completion']).toBe('- "for a year": It closes for six months.');
    expect(assistedAnn).toMatchObject({ n_model: 0, n_edited: 1, n_added: 0 });
    const unassisted = rows.find((r) => r['condition'] === 'unassisted')!;
    expect(unassisted['completion']).toBe('- "for a year": The duration is wrong.');
    expect(JSON.parse(unassisted['critiques_json'] as string)).toEqual([{ text: 'The duration is wrong.', quote: 'for a year', source: 'evaluator', flaw: 'own' }]);
    for (const r of rows) {
      expect(r['completion']).not.toContain(SECRET.decoy);
      expect(r['completion']).not.toContain('Too vague.');
    }
  });

  it('--split by task with a seed: no task in two splits, every row somewhere, the same seed the same split', async () => {
    const { dbPath } = setUp();
    const a = await exportTraining(dbPath, '--kind', 'critique-labels', '--split', 'train=0.5,test=0.5', '--seed', '11');
    const b = await exportTraining(dbPath, '--kind', 'critique-labels', '--split', 'train=0.5,test=0.5', '--seed', '11');
    const all = readJsonl(path.join(await exportTraining(dbPath, '--kind', 'critique-labels'), 'data.jsonl'));
    expect(fs.readdirSync(a).sort()).toEqual(['README.md', 'test.jsonl', 'train.jsonl']);
    const train = readJsonl(path.join(a, 'train.jsonl'));
    const test = readJsonl(path.join(a, 'test.jsonl'));
    const trainTasks = new Set(train.map((r) => r['task']));
    expect(test.some((r) => trainTasks.has(r['task']))).toBe(false);
    expect(train.length + test.length).toBe(all.length);
    expect(trainTasks.size).toBe(3);
    expect(fs.readFileSync(path.join(b, 'train.jsonl'), 'utf8')).toBe(fs.readFileSync(path.join(a, 'train.jsonl'), 'utf8'));
  });

  it('property: splitTasks puts every task in exactly one part, with part sizes within one of their shares', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 60 }), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }), fc.nat(), (tasks, weights, seed) => {
        const total = weights.reduce((x, y) => x + y, 0);
        const parts = weights.map((w, i) => ({ name: `p${i}`, fraction: w / total }));
        const assignment = splitTasks(tasks, parts, seed);
        expect([...assignment.keys()].sort()).toEqual([...tasks].sort());
        parts.forEach((p) => {
          const size = [...assignment.values()].filter((x) => x === p.name).length;
          expect(Math.abs(size - p.fraction * tasks.length)).toBeLessThan(1);
        });
        expect(splitTasks(tasks, parts, seed)).toEqual(assignment);
      }),
    );
    expect(() => parseSplit('train=0.9,test=0.2')).toThrow(SplitError);
    expect(() => parseSplit('train=0.9,train=0.1')).toThrow('appears twice');
    expect(parseSplit('train=0.8, dev=0.1, test=0.1')).toEqual([
      { name: 'train', fraction: 0.8 },
      { name: 'dev', fraction: 0.1 },
      { name: 'test', fraction: 0.1 },
    ]);
  });

  it('--format parquet: written with hyparquet-writer, read back by DuckDB (an independent reader) with the same rows and column types', async () => {
    const { dbPath } = setUp();
    for (const kind of ['critique-labels', 'preference', 'critique-sft']) {
      const jsonl = readJsonl(path.join(await exportTraining(dbPath, '--kind', kind), 'data.jsonl'));
      const dir = await exportTraining(dbPath, '--kind', kind, '--format', 'parquet', '--split', 'train=0.5,test=0.5', '--seed', '2');
      expect(fs.readdirSync(dir).sort()).toEqual(['README.md', 'test.parquet', 'train.parquet']);
      const rows = [...(await readParquetWithDuckDb(path.join(dir, 'train.parquet'))), ...(await readParquetWithDuckDb(path.join(dir, 'test.parquet')))];
      const key = (r: Record<string, unknown>): string => JSON.stringify(r);
      expect(rows.map(key).sort()).toEqual(jsonl.map(key).sort());
      const types = await parquetColumnsWithDuckDb(path.join(dir, 'train.parquet'));
      expect(types.map((t) => t.name)).toEqual(Object.keys(jsonl[0]!));
      expect(new Set(types.map((t) => t.type))).toEqual(new Set(kind === 'critique-sft' ? ['VARCHAR', 'INTEGER'] : ['VARCHAR']));
    }
  });

  it('writes a dataset card: fields, design, conditions, counts, how the labels were made, the Assay version', async () => {
    const { dbPath } = setUp();
    const out = await exportTraining(dbPath, '--kind', 'critique-labels', '--split', 'train=0.5,test=0.5', '--seed', '3');
    const card = fs.readFileSync(path.join(out, 'README.md'), 'utf8');
    const version = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string }).version;
    expect(card).toMatch(/^---\npretty_name: "train \(critique-labels\)"\n/);
    expect(card).toContain('      - split: train\n        path: train.jsonl');
    expect(card).toContain(`Generated by **Assay ${version}**`);
    for (const column of ['study', 'task', 'evaluator', 'condition', 'prompt', 'critique', 'verdict', 'reason', 'edited_critique']) expect(card).toContain(`| \`${column}\` |`);
    expect(card).toContain('| assisted | `all` |');
    expect(card).toContain('| unassisted | `none` |');
    expect(card).toMatch(/Reviews: 11 submitted \(used\), 1 skipped \(not used\)/);
    expect(card).toMatch(/\| accept-edited \| \d+ \|/);
    expect(card).toContain('## How the labels were made');
    expect(card).toContain('seed 3');
    expect(card).not.toContain(SECRET.flaw);
  });

  it('refuses a bad --kind, --split, --seed, a non-empty --out folder and an unknown study, writing nothing', async () => {
    const { dbPath } = setUp();
    const cli = (...a: string[]) => captureCli(['export', 'training', '--db', dbPath, ...a]);
    const out = path.join(tempDir(), 'x');
    expect((await cli('--study', 'train', '--kind', 'rewards', '--out', out)).code).toBe(2);
    expect((await cli('--study', 'train', '--kind', 'preference', '--out', out, '--split', 'train=0.9,test=0.2')).err).toContain('the shares add up to 1.1, not 1');
    expect((await cli('--study', 'train', '--kind', 'preference', '--out', out, '--seed', '3')).err).toContain('--seed only applies with --split');
    expect((await cli('--study', 'nope', '--kind', 'preference', '--out', out)).err).toContain('No study "nope"');
    expect(fs.existsSync(out)).toBe(false);
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'keep.txt'), 'mine');
    const r = await cli('--study', 'train', '--kind', 'preference', '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toContain('the folder is not empty');
    expect(fs.readdirSync(out)).toEqual(['keep.txt']);
  });
});

describeWithDatasets('Saunders et al. helpfulness labels as training data', ['openai-critiques.jsonl'], (dataset) => {
  /** The released labels as one evaluator's review records, as a researcher would write them. */
  async function labelsStudy(withStandIns: boolean): Promise<string> {
    const { db, path: dbPath } = tempDb();
    const tasks = fs
      .readFileSync(dataset('openai-critiques.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { id: string; critiques?: { id: string; valid?: boolean }[] });
    importTasks(db, tasks);
    // the released labels have no rating and no reject reason: a study that asks for neither takes them as they are
    const settings = withStandIns ? {} : { settings: { rating: 'off' as const, rejectReason: 'optional' as const } };
    studyWithReviews(db, { name: 'labels', evaluators: ['labeler'], ...settings }, (a) => {
      const t = tasks.find((x) => x.id === a.task)!;
      return {
        decisions: (t.critiques ?? []).map((c) => (c.valid ? { critique: c.id, verdict: 'accept' as const } : { critique: c.id, verdict: 'reject' as const, ...(withStandIns ? { reason: 'other' } : {}) })),
        rating: withStandIns ? 4 : null,
      };
    });
    db.close();
    return dbPath;
  }

  // The released data has no rating and no reject reason. The default settings require both, so this
  // test gives every review rating 4 and every rejection the reason "other" (stand-ins that no column
  // counted here depends on); the test below takes the labels as released, in a study created with
  // `--rating off --reject-reason optional`.
  it('critique-labels has 5,507 rows, 1,776 of them accepted (JSON Lines and Parquet read by DuckDB)', async () => {
    const dbPath = await labelsStudy(true);
    const out = path.join(tempDir(), 'saunders');
    const r = await captureCli(['export', 'training', '--study', 'labels', '--kind', 'critique-labels', '--out', out, '--db', dbPath]);
    expect(r.code, r.err).toBe(0);
    const rows = readJsonl(path.join(out, 'data.jsonl'));
    expect(rows).toHaveLength(5507);
    expect(rows.filter((x) => x['verdict'] === 'accept')).toHaveLength(1776);
    expect(rows.filter((x) => x['verdict'] === 'reject')).toHaveLength(5507 - 1776);
    const pq = path.join(tempDir(), 'saunders-pq');
    expect((await captureCli(['export', 'training', '--study', 'labels', '--kind', 'critique-labels', '--format', 'parquet', '--out', pq, '--db', dbPath])).code).toBe(0);
    const { duckdbRows } = await import('../../helpers/duckdb.js');
    const counts = await duckdbRows(`SELECT verdict, count(*) AS n FROM read_parquet('${path.join(pq, 'data.parquet')}') GROUP BY verdict ORDER BY verdict`);
    expect(counts).toEqual([
      { verdict: 'accept', n: '1776' },
      { verdict: 'reject', n: '3731' },
    ]);
  }, 180_000);

  it('the same from records without ratings or reasons, as released, in a study with --rating off --reject-reason optional', async () => {
    const dbPath = await labelsStudy(false);
    const out = path.join(tempDir(), 'saunders');
    expect((await captureCli(['export', 'training', '--study', 'labels', '--kind', 'critique-labels', '--out', out, '--db', dbPath])).code).toBe(0);
    const rows = readJsonl(path.join(out, 'data.jsonl'));
    expect(rows).toHaveLength(5507);
    expect(rows.filter((x) => x['verdict'] === 'accept')).toHaveLength(1776);
  }, 180_000);
});
