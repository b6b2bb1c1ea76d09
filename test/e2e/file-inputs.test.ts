import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { openDatabase } from '../../electron/backend/db/open.js';
import { beginReview, getQueue, recordEvent } from '../../electron/backend/reviews/repository.js';
import { exportPack, importPack } from '../../electron/backend/studies/packs.js';
import { createStudy } from '../../electron/backend/studies/repository.js';
import { exportResults } from '../../electron/backend/studies/results.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import { studyTasks } from '../backend/studies/fixtures.js';
import { launchChromium } from '../helpers/chromium.js';
import { watchProblems } from '../helpers/page.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

// The page's file inputs recognise a file by its content and either do the right thing or say
// where it belongs; and the researcher's database explains why a study reviewed from packs is not
// in its Review place.

describe('file inputs and the researcher’s Review place (Chromium)', () => {
  const dir = tempDir();
  const researcherDb = path.join(dir, 'researcher.db');
  const files = { tasks: path.join(dir, 'tasks.jsonl'), pack: path.join(dir, 'ann.assay-pack.json'), results: path.join(dir, 'ann-results.json') };
  let browser: Browser;
  let server: ServerProcess | undefined;
  const problems: string[] = [];

  beforeAll(async () => {
    const db = openDatabase(researcherDb);
    importTasks(db, studyTasks(3));
    createStudy(db, { name: 'pilot', conditions: [{ name: 'helped', policy: 'all' }], evaluators: [{ id: 'ann', displayName: 'Ann Lee' }], overlap: 1, seed: 1 });
    fs.writeFileSync(files.pack, exportPack(db, 'pilot', 'ann').content);
    db.close();
    fs.writeFileSync(files.tasks, `${JSON.stringify({ id: 'extra-1', kind: 'summary', output: 'One more task.' })}\n`);
    const ev = openDatabase(path.join(dir, 'ann.db'));
    importPack(ev, fs.readFileSync(files.pack, 'utf8'), 'ann.assay-pack.json');
    const item = getQueue(ev, 'ann')[0]!.id;
    const review = beginReview(ev, 'ann', item).review.id;
    recordEvent(ev, { evaluator: 'ann', review, expectedSeq: 0, clientEventId: 'e-000001', clientTime: Date.now(), event: { type: 'skipped', reason: 'Not my field' } });
    fs.writeFileSync(files.results, exportResults(ev).content);
    ev.close();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('an evaluator who gives the pack to "Import task package…" gets it opened', async () => {
    server = await startServe(path.join(dir, 'fresh-evaluator.db'));
    const page = await browser.newPage({ viewport: { width: 1300, height: 850 } });
    watchProblems(page, problems);
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Welcome to Assay' }).waitFor();
    await page.getByLabel('Task package files').setInputFiles(files.pack);
    // opened, and on to Ann's queue
    await page.getByRole('heading', { name: 'Your queue' }).waitFor();
    await page.getByRole('heading', { name: 'Study pilot' }).waitFor();
    await page.getByText('0 of 3 done').waitFor();
    // the Tasks place says what became of the file, never a schema error
    await page.goto(`${server.url}#/tasks`);
    await page.getByText('ann.assay-pack.json is a pack from your researcher: opened it: 3 items for ann in study pilot.', { exact: false }).waitFor();
    expect(await page.getByText(/id: required|kind: Invalid option/).count()).toBe(0);
    await page.close();
    await server.stop();
    server = undefined;
  });

  it('in the researcher’s database: results given to the task import are merged, a task package given to Open pack is pointed to its place, and Review says why pilot is not there', async () => {
    server = await startServe(researcherDb);
    const page = await browser.newPage({ viewport: { width: 1300, height: 850 } });
    watchProblems(page, problems);
    await page.goto(`${server.url}#/tasks`);
    await page.getByRole('heading', { name: /^Tasks/ }).waitFor();
    await page.getByLabel('Task package files').setInputFiles(files.results);
    await page.getByText('ann-results.json: results merged into study pilot: 1 review added, 0 already here.').waitFor();

    await page.goto(`${server.url}#/studies`);
    await page.getByRole('heading', { name: 'Studies', exact: true }).waitFor();
    await page.getByLabel('Pack file').setInputFiles(files.tasks);
    await page
      .getByRole('alert')
      .filter({ hasText: 'tasks.jsonl is a task package (tasks for a researcher to study), not a pack: use Tasks → "Import task package…" (assay import FILE).' })
      .waitFor();

    // Ann's profile exists here (she is in the study), but pilot is reviewed from packs.
    await page.evaluate(() => localStorage.setItem('assay.evaluator', 'ann'));
    await page.goto(`${server.url}#/review`);
    await page.reload();
    await page.getByRole('heading', { name: 'Your queue' }).waitFor();
    const note = page.getByRole('note').filter({ hasText: 'Study pilot' });
    expect(await note.innerText()).toMatch(/Study pilot \(3 items for ann\) is not reviewed here: it is reviewed from packs, on each evaluator's own computer/);
    expect(await note.innerText()).toContain('(1 of 3 in so far)');
    expect(await page.getByRole('heading', { name: 'Study pilot' }).count()).toBe(0);
    await note.getByRole('link', { name: 'Studies → pilot' }).click();
    await page.getByRole('table', { name: 'Assignment matrix' }).waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });
});
