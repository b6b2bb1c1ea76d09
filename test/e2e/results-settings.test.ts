// Study settings honoured in the researcher's results import, in Chromium (issue #12, done-when):
// a study created with `--rating required --reject-reason required --decide-all --categories`, and
// on its screen the researcher imports files whose records break those settings — review records
// from another tool (no rating, a rejection without a reason, another category, undecided
// critiques) and a signed results file whose record has no rating. The screen refuses each file,
// naming the file, the line or review, and the field; nothing is merged, as the API and the
// export say afterwards. The same files put right then merge.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/backend/db/open.js';
import { beginReview, getQueue, recordEvent } from '../../electron/backend/reviews/repository.js';
import { fileHash, resultsMac } from '../../electron/backend/studies/hash.js';
import { importPack } from '../../electron/backend/studies/packs.js';
import { exportResults } from '../../electron/backend/studies/results.js';
import type { ReviewEvent } from '../../shared/review/events.js';
import { studyTasks } from '../backend/studies/fixtures.js';
import { cliOk } from '../helpers/cli.js';
import { launchChromium } from '../helpers/chromium.js';
import { watchProblems } from '../helpers/page.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

type Json = Record<string, unknown>;

describe('study settings honoured in the results import (Chromium)', () => {
  const dir = tempDir();
  const db = path.join(dir, 'researcher.db');
  let browser: Browser;
  let server: ServerProcess;
  const problems: string[] = [];
  const files: Record<string, string> = {};
  const fixed: Record<string, string> = {};
  let forgedTask = '';

  beforeAll(async () => {
    const tasksFile = path.join(dir, 'tasks.jsonl');
    fs.writeFileSync(tasksFile, `${studyTasks(4).map((t) => JSON.stringify(t)).join('\n')}\n`);
    await cliOk('import', tasksFile, '--db', db);
    await cliOk(
      'study', 'create', '--name', 'pilot', '--conditions', 'assisted:all', '--evaluators', 'ann,bob', '--overlap', '1', '--seed', '3',
      '--rating', 'required', '--reject-reason', 'required', '--decide-all', '--categories', 'accuracy,tone', '--db', db,
    );
    const shown = JSON.parse(await cliOk('study', 'show', 'pilot', '--json', '--db', db)) as { assignments: { evaluator: string; task: string; condition: string }[] };
    const bobs = shown.assignments.filter((a) => a.evaluator === 'bob');
    expect(bobs).toHaveLength(2);

    // bob's reviews come as review records from another tool
    const record = (task: string, changed: Json = {}): string =>
      JSON.stringify({
        task,
        evaluator: 'bob',
        study: 'pilot',
        condition: 'assisted',
        started_at: '2026-03-02T10:00:00.000Z',
        submitted_at: '2026-03-02T10:01:00.000Z',
        active_seconds: 30,
        rating: 4,
        skipped: null,
        decisions: ['c1', 'c2', 'c3', 'c4'].map((critique) => ({ critique, verdict: 'accept' })),
        added: [{ id: 'own1', description: 'The month is wrong', category: 'accuracy' }],
        ...changed,
      });
    const [b1, b2] = bobs.map((a) => a.task) as [string, string];
    const write = (name: string, lines: readonly string[], into: Record<string, string>): void => {
      into[name] = path.join(dir, into === fixed ? `fixed-${name}` : name);
      fs.writeFileSync(into[name], `${lines.join('\n')}\n`);
    };
    write('no-rating.jsonl', [record(b1), record(b2, { rating: null })], files);
    write('no-reason.jsonl', [record(b1, { decisions: [{ critique: 'c1', verdict: 'reject' }, ...['c2', 'c3', 'c4'].map((critique) => ({ critique, verdict: 'accept' }))] })], files);
    write('category.jsonl', [record(b1, { added: [{ id: 'own1', description: 'The month is wrong', category: 'style' }] })], files);
    write('undecided.jsonl', [record(b1, { decisions: [{ critique: 'c1', verdict: 'accept' }] })], files);
    write('bob.jsonl', [record(b1), record(b2)], fixed);

    // ann reviews from her pack, following the settings; a copy of her results file is then changed
    // to drop a rating and signed again with her pack's secret (as a modified Assay could)
    const packFile = path.join(dir, 'ann.assay-pack.json');
    await cliOk('pack', 'export', '--study', 'pilot', '--evaluator', 'ann', '--out', packFile, '--db', db);
    const evaluator = openDatabase(path.join(dir, 'evaluator.db'));
    importPack(evaluator, fs.readFileSync(packFile, 'utf8'), 'ann.assay-pack.json');
    let t = Date.now() - 60_000;
    for (const q of getQueue(evaluator, 'ann').filter((x) => x.study === 'pilot')) {
      const begun = beginReview(evaluator, 'ann', q.id, (t += 1000));
      let seq = begun.review.events.length;
      const events: ReviewEvent[] = [
        ...(begun.shown ?? []).map((critique): ReviewEvent => ({ type: 'decision-recorded', critique, verdict: 'accept' })),
        { type: 'rating-set', rating: 5 },
        { type: 'submitted' },
      ];
      for (const event of events) {
        t += 1000;
        seq = recordEvent(evaluator, { evaluator: 'ann', review: begun.review.id, expectedSeq: seq, clientEventId: `e2e-${q.id}-${seq}-xxxx`, clientTime: t, event }, t).seq;
      }
    }
    const good = exportResults(evaluator, {}, t + 1000).content;
    evaluator.close();
    fixed['ann-results.json'] = path.join(dir, 'ann-results.json');
    fs.writeFileSync(fixed['ann-results.json'], good);
    const body = JSON.parse(good) as Json & { reviews: { record: Json }[] };
    const secret = (JSON.parse(fs.readFileSync(packFile, 'utf8')) as { pack: { secret: string } }).pack.secret;
    body.reviews[0]!.record = { ...body.reviews[0]!.record, rating: null };
    forgedTask = body.reviews[0]!.record['task'] as string;
    const { hash: _h, mac: _m, ...rest } = body;
    files['ann-results-changed.json'] = path.join(dir, 'ann-results-changed.json');
    fs.writeFileSync(files['ann-results-changed.json'], JSON.stringify({ ...rest, hash: fileHash(rest), mac: resultsMac(secret, rest) }));

    server = await startServe(db);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function api<T>(op: string, input: unknown): Promise<T> {
    const r = (await (await fetch(`${server.url}api/${op}`, { method: 'POST', body: JSON.stringify(input) })).json()) as { ok: boolean; value: T };
    expect(r.ok, `${op}: ${JSON.stringify(r)}`).toBe(true);
    return r.value;
  }
  async function importFiles(page: Page, paths: readonly string[]): Promise<void> {
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Import results…' }).click();
    await (await chooser).setFiles([...paths]);
  }

  it('refuses each file that breaks the settings, naming file, line or review, and field; nothing is merged', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchProblems(page, problems);
    await page.goto(`${server.url}#/studies/pilot`);
    await page.getByRole('table', { name: 'Assignment matrix' }).waitFor();
    await importFiles(page, Object.values(files));

    const report = page.getByRole('region', { name: 'Results import' });
    const said = async (file: string): Promise<string> => (await report.getByRole('listitem').filter({ hasText: `${file}: ` }).innerText()).replace(/\s+/g, ' ').trim();
    await report.getByRole('listitem').nth(4).waitFor();
    expect(await report.getByRole('listitem').count()).toBe(5);
    const nothing = 'Nothing from this file was stored.';
    expect(await said('no-rating.jsonl')).toBe(`no-rating.jsonl: refused — line 2, field rating: this study requires a rating (1–7) on every review an evaluator submits. ${nothing}`);
    expect(await said('no-reason.jsonl')).toBe(`no-reason.jsonl: refused — line 1, field decisions.0.reason: this study requires a reason for every rejection. ${nothing}`);
    expect(await said('category.jsonl')).toBe(`category.jsonl: refused — line 1, field added.0.category: "style" is not one of this study's categories (accuracy, tone). ${nothing}`);
    expect(await said('undecided.jsonl')).toMatch(/^undecided\.jsonl: refused — line 1, field decisions: 3 of 4 shown critiques undecided \(c2, c3, c4\); this study requires every shown critique to be decided before submitting\. Nothing from this file was stored\.$/);
    expect(await said('ann-results-changed.json')).toBe(
      `ann-results-changed.json: refused — review 1 (task "${forgedTask}"), field record.rating: this study requires a rating (1–7) on every review an evaluator submits. ${nothing}`,
    );
    // the field is set apart as code, and every refusal reads as one
    expect(await report.locator('li.bad code').allInnerTexts()).toEqual(['rating', 'decisions.0.reason', 'added.0.category', 'decisions', 'record.rating']);
    expect(await report.locator('li.bad').count()).toBe(5);

    // nothing merged: no import recorded, no review stored, no assignment begun
    const study = await api<{ imports: unknown[]; assignments: { status: string }[] }>('studies:get', { name: 'pilot' });
    expect(study.imports).toEqual([]);
    expect(study.assignments.map((a) => a.status)).toEqual(study.assignments.map(() => 'new'));
    expect((await cliOk('export', 'reviews', '--study', 'pilot', '--db', db)).trim()).toBe('');
    expect(await page.getByRole('region', { name: 'Merged results' }).count()).toBe(0);

    // the same reviews, keeping the settings, merge
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await importFiles(page, Object.values(fixed));
    await report.getByRole('listitem').filter({ hasText: 'fixed-bob.jsonl: 2 reviews added, 0 already here (study pilot, bob)' }).waitFor();
    await report.getByRole('listitem').filter({ hasText: 'ann-results.json: 2 reviews added, 0 already here (study pilot, ann) — signed by the pack.' }).waitFor();
    expect(await report.locator('li.bad').count()).toBe(0);
    const after = await api<{ imports: unknown[]; assignments: { status: string }[] }>('studies:get', { name: 'pilot' });
    expect(after.imports).toHaveLength(2);
    expect(after.assignments.map((a) => a.status)).toEqual(after.assignments.map(() => 'submitted'));
    expect(problems).toEqual([]);
    await page.close();
  });
});
