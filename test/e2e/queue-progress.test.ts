// Study progress and practice progress are separate (issue #12: "a 12-item pack reads 8 of 14
// done", practice items were counted). One evaluator's queue holds a 12-item study from a pack and
// two practice tasks; with 8 study items finished and one practice item, every place that
// counts — the queue, the workspace's "item N of M", the study's finished screen — counts the
// study's 12 items alone, and practice its 2.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/backend/db/open.js';
import { beginReview, ensurePracticeQueue, getQueue, recordEvent } from '../../electron/backend/reviews/repository.js';
import { exportPack, importPack } from '../../electron/backend/studies/packs.js';
import { createStudy } from '../../electron/backend/studies/repository.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import type { ReviewEvent } from '../../shared/review/events.js';
import { studyTasks } from '../backend/studies/fixtures.js';
import { launchChromium } from '../helpers/chromium.js';
import { watchProblems } from '../helpers/page.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

describe('study and practice progress in one queue (Chromium)', () => {
  const dir = tempDir();
  let browser: Browser;
  let server: ServerProcess;
  const problems: string[] = [];
  let study: { id: number; title: string | null }[] = [];
  let practice: { id: number; title: string | null }[] = [];

  beforeAll(async () => {
    // the researcher: a study of 12 tasks, all for ann
    const researcher = openDatabase(path.join(dir, 'researcher.db'));
    importTasks(researcher, studyTasks(12));
    createStudy(researcher, { name: 'pilot', conditions: [{ name: 'assisted', policy: 'all' }], evaluators: [{ id: 'ann', displayName: 'Ann Lee' }], overlap: 1, seed: 3 });
    const { content } = exportPack(researcher, 'pilot', 'ann');
    researcher.close();

    // ann's own database: the pack, and two tasks of her own to practise on
    const dbPath = path.join(dir, 'ann.db');
    const db = openDatabase(dbPath);
    importPack(db, content, 'ann.assay-pack.json');
    importTasks(
      db,
      [1, 2].map((i) => ({ id: `own-${i}`, kind: 'summary', title: `Practice task ${i}`, output: `A summary to practise on, number ${i}.`, critiques: [{ id: 'c1', text: 'A critique.' }] })),
    );
    ensurePracticeQueue(db, 'ann'); // as the queue listing does
    const queue = getQueue(db, 'ann');
    study = queue.filter((q) => q.study === 'pilot');
    practice = queue.filter((q) => q.study === '');
    expect([study.length, practice.length, queue.length]).toEqual([12, 2, 14]);
    // eight study items finished, and the first practice item
    let t = Date.now() - 120_000;
    for (const q of [...study.slice(0, 8), practice[0]!]) {
      const begun = beginReview(db, 'ann', q.id, (t += 1000));
      let seq = begun.review.events.length;
      const events: ReviewEvent[] = [{ type: 'rating-set', rating: 5 }, { type: 'submitted' }];
      for (const event of events) {
        t += 1000;
        seq = recordEvent(db, { evaluator: 'ann', review: begun.review.id, expectedSeq: seq, clientEventId: `p-${q.id}-${seq}-xxxx`, clientTime: t, event }, t).seq;
      }
    }
    db.close();
    server = await startServe(dbPath);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function open(hash: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchProblems(page, problems);
    await page.goto(server.url);
    await page.evaluate(() => localStorage.setItem('assay.evaluator', 'ann'));
    await page.goto(`${server.url}${hash}`);
    await page.reload(); // the profile is read at start
    return page;
  }
  const bar = async (page: Page, name: string): Promise<[string | null, string | null]> => {
    const p = page.getByRole('progressbar', { name });
    return [await p.getAttribute('aria-valuenow'), await p.getAttribute('aria-valuemax')];
  };

  it('the queue counts 8 of 12 for the study and 1 of 2 for practice, never 9 of 14', async () => {
    const page = await open('#/review');
    await page.getByRole('heading', { name: 'Your queue' }).waitFor();
    const pilot = page.locator('.queue-group').filter({ has: page.getByRole('heading', { name: 'Study pilot' }) });
    const own = page.locator('.queue-group').filter({ has: page.getByRole('heading', { name: 'Practice · not part of any study' }) });
    await pilot.getByText('8 of 12 done').waitFor();
    await own.getByText('1 of 2 done').waitFor();
    expect(await bar(page, 'Progress of pilot')).toEqual(['8', '12']);
    expect(await bar(page, 'Progress of practice')).toEqual(['1', '2']);
    expect(await pilot.locator('tbody tr').count()).toBe(12);
    expect(await own.locator('tbody tr').count()).toBe(2);
    expect(await page.locator('body').innerText()).not.toMatch(/\bof 14\b/);
    // the study comes first: Continue opens its first unfinished item
    await page.getByRole('button', { name: 'Continue reviewing' }).click();
    await page.getByRole('heading', { name: study[8]!.title!, exact: true }).waitFor();
    expect(await page.locator('.ws-label').innerText()).toMatch(/^Set [A-Z] · item 9 of 12$/);
    await page.close();
  });

  it('the workspace counts each part on its own: a practice item is 1 of 2, the last study item 12 of 12', async () => {
    const page = await open(`#/review/${practice[0]!.id}`);
    await page.getByRole('heading', { name: 'Practice task 1', exact: true }).waitFor();
    expect(await page.locator('.ws-label').innerText()).toBe('Practice · item 1 of 2');
    await page.goto(`${server.url}#/review/${study[11]!.id}`);
    await page.getByRole('heading', { name: study[11]!.title!, exact: true }).waitFor();
    expect(await page.locator('.ws-label').innerText()).toMatch(/^Set [A-Z] · item 12 of 12$/);
    await page.close();
  });

  it('the study’s finished screen says 8 of 12 done and 4 still open, practice aside', async () => {
    const page = await open('#/review/done/pilot');
    await page.getByRole('heading', { name: 'Study pilot: 8 of 12 done' }).waitFor();
    await page.getByText('4 items are still open in your queue.', { exact: false }).waitFor();
    expect(await page.locator('body').innerText()).not.toMatch(/\bof 14\b/);
    expect(problems).toEqual([]);
    await page.close();
  });
});
