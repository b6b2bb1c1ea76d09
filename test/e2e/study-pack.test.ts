import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { cliOk } from '../helpers/cli.js';
import { watchProblems } from '../helpers/page.js';
import { openDatabase } from '../../electron/backend/db/open.js';
import { beginReview, getQueue, recordEvent } from '../../electron/backend/reviews/repository.js';
import { importPack } from '../../electron/backend/studies/packs.js';
import { exportResults } from '../../electron/backend/studies/results.js';
import type { ReviewEvent } from '../../shared/review/events.js';
import { ReviewRecordSchema } from '../../shared/review/record.js';
import { studyTasks, secrets } from '../backend/studies/fixtures.js';
import { launchChromium } from '../helpers/chromium.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

// A study's whole life across two databases (issue #12's evaluator's day): the researcher creates
// a study and a pack; the evaluator starts Assay on an empty database, opens the pack from the
// welcome, reviews by keyboard, and the finished screen exports the results file; the researcher
// imports them. Then the evaluator reopens a review, changes it and exports again: the researcher's
// import merges it as a newer revision, while a log that diverges stays a conflict.

const cli = cliOk;

async function api<T>(server: ServerProcess, op: string, input: unknown): Promise<T> {
  const r = (await (await fetch(`${server.url}api/${op}`, { method: 'POST', body: JSON.stringify(input) })).json()) as { ok: boolean; value: T; error?: { message: string } };
  if (!r.ok) throw new Error(`${op}: ${r.error?.message}`);
  return r.value;
}

describe('study pack → review → results round trip (Chromium)', () => {
  const dir = tempDir();
  const researcherDb = path.join(dir, 'researcher.db');
  const evaluatorDb = path.join(dir, 'evaluator.db');
  const packFile = path.join(dir, 'ann.assay-pack.json');
  const resultsFile = path.join(dir, 'ann-results.json');
  const revisedFile = path.join(dir, 'ann-results-2.json');
  let browser: Browser;
  let server: ServerProcess | undefined;
  const problems: string[] = [];

  const watch = (page: Page): void => watchProblems(page, problems);

  beforeAll(async () => {
    const tasksFile = path.join(dir, 'tasks.jsonl');
    fs.writeFileSync(tasksFile, `${studyTasks(4).map((t) => JSON.stringify(t)).join('\n')}\n`);
    await cli('import', tasksFile, '--db', researcherDb);
    await cli(
      'study',
      'create',
      '--name',
      'pilot',
      '--conditions',
      'cond-blind-x:none,cond-help-y:all',
      '--evaluators',
      'ann=Ann Lee,bob=Bo Brown',
      '--overlap',
      '1',
      '--seed',
      '3',
      '--researcher',
      'Dr. Rosa Diaz <rosa@lab.example>',
      '--db',
      researcherDb,
    );
    await cli('pack', 'export', '--study', 'pilot', '--evaluator', 'ann', '--out', packFile, '--db', researcherDb);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('first start with a pack: the welcome opens it, the queue counts the study alone, and the finished screen exports the results', async () => {
    server = await startServe(evaluatorDb);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watch(page);
    // Listening before the page loads: Playwright intercepts file dialogs only once it listens, and a
    // key press (unlike a click) leaves it no time to start.
    const chooser = page.waitForEvent('filechooser');
    await page.goto(server.url);
    // An empty database: the welcome, with opening a pack first and focused (Enter or o opens it).
    await page.getByRole('heading', { name: 'Welcome to Assay' }).waitFor();
    const buttons = await page.getByRole('button').allInnerTexts();
    expect(buttons.indexOf('Open a pack from your researcher…')).toBeLessThan(buttons.indexOf('Import task package…'));
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Open a pack from your researcher…');
    await page.keyboard.press('o');
    await (await chooser).setFiles(packFile);

    // Straight to Ann's queue: no profile to pick, the study's progress on its own (no practice here).
    await page.getByRole('heading', { name: 'Your queue' }).waitFor();
    await page.getByRole('heading', { name: 'Study pilot' }).waitFor();
    await page.getByText('0 of 2 done').waitFor();
    expect(await page.getByRole('progressbar', { name: 'Progress of pilot' }).getAttribute('aria-valuemax')).toBe('2');
    const queue = await api<{ items: { id: number; title: string; study: string; label: string }[] }>(server, 'review:queue', { evaluator: 'ann' });
    const studyItems = queue.items.filter((q) => q.study === 'pilot');
    expect(studyItems).toHaveLength(2);
    expect(queue.items).toHaveLength(2);
    await page.keyboard.press('Enter'); // "Start reviewing"
    for (const [i, item] of studyItems.entries()) {
      await page.getByRole('heading', { name: item.title }).waitFor();
      expect(await page.locator('.ws-label').innerText()).toMatch(new RegExp(`^Set [AB] · item ${i + 1} of 2$`));
      // Blinding in the evaluator's DOM: no condition names, flaws, scores or other evaluators.
      const body = await page.locator('body').innerText();
      for (const secret of ['cond-blind-x', 'cond-help-y', secrets.flaw, secrets.model, 'Bo Brown', '0.9']) expect(body).not.toContain(secret);
      const view = await api<{ critiques: unknown[] | null }>(server, 'review:view', { evaluator: 'ann', item: item.id });
      if (view.critiques !== null) {
        for (let k = 0; k < view.critiques.length; k++) await page.keyboard.press('a'); // decide every critique: no question on submit
        await expect.poll(() => page.getByRole('listitem', { name: 'Critique 1' }).innerText()).toContain('Accepted');
      }
      await page.keyboard.press(String(4 + i));
      await expect.poll(() => page.getByRole('radio', { name: String(4 + i) }).isChecked()).toBe(true);
      await page.keyboard.press('Control+Enter');
      await expect
        .poll(async () => (await api<{ review: { status: string } | null }>(server!, 'review:view', { evaluator: 'ann', item: item.id })).review?.status, { timeout: 10_000 })
        .toBe('submitted');
    }

    // The last item leads to the study's finished screen, not back to a list.
    await page.getByRole('heading', { name: 'Study pilot is done' }).waitFor();
    expect(await page.getByText('You have finished all 2 items (2 of 2).').count()).toBe(1);
    await page.getByText('Dr. Rosa Diaz <rosa@lab.example>').first().waitFor();
    // Leaving now would lose nothing (all is saved) but the results are not exported: the browser asks.
    // Leaving now loses nothing (all is saved), but the results are not exported yet: the browser asks first.
    const asked = new Promise<string>((resolve) => page.once('dialog', (d) => void d.dismiss().then(() => resolve(d.type()))));
    const leaving = page.goto('about:blank').catch(() => 'stayed');
    expect(await asked).toBe('beforeunload');
    expect(await leaving).toBe('stayed');
    await page.getByRole('heading', { name: 'Study pilot is done' }).waitFor();

    // Enter exports (the button has the focus): a download, and where it went and whom to send it to.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Export results…');
    const download = page.waitForEvent('download');
    await page.keyboard.press('Enter');
    await (await download).saveAs(resultsFile);
    const said = await page.getByRole('status').filter({ hasText: 'Downloaded 2 finished reviews as pilot-ann-results-' }).innerText();
    expect(said).toContain('(your browser keeps it in its downloads folder). Send this file to Dr. Rosa Diaz <rosa@lab.example>.');
    const packs = await api<{ unexported: number; lastExport: { reviews: number } | null }[]>(server, 'packs:list', {});
    expect(packs).toMatchObject([{ unexported: 0, lastExport: { reviews: 2 } }]);
    // Nothing left to export: leaving asks nothing now.
    page.once('dialog', (d) => void d.dismiss().then(() => problems.push(`asked again: ${d.type()}`)));
    await page.goto('about:blank');
    await page.close();
    await server.stop();
    server = undefined;

    const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as { format: string; requires: unknown[]; reviews: { events: unknown[] }[]; hash: string };
    expect(results).toMatchObject({ format: 'assay-results', requires: [] });
    expect(results.reviews).toHaveLength(2);
    for (const r of results.reviews) expect(r.events.length).toBeGreaterThanOrEqual(2);
    expect(problems).toEqual([]);
  });

  it('the researcher imports the results (idempotently) and sees them', async () => {
    server = await startServe(researcherDb);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watch(page);
    await page.goto(`${server.url}#/studies/pilot`);
    await page.getByRole('table', { name: 'Assignment matrix' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Ann Lee' });
    await row.getByText('0 / 2').first().waitFor();

    for (const expected of ['2 reviews added, 0 already here', '0 reviews added, 2 already here']) {
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: 'Import results…' }).click();
      await (await chooser).setFiles(resultsFile);
      await page.getByRole('region', { name: 'Results import' }).getByText(expected).waitFor();
      await page.getByRole('button', { name: 'Close', exact: true }).click();
    }
    await row.getByText('2 / 2').first().waitFor();
    const merged = page.getByRole('region', { name: 'Merged results' });
    expect(await merged.getByRole('row').filter({ hasText: 'ann-results.json' }).count()).toBe(1);
    expect(await page.getByRole('table', { name: 'Assignment matrix' }).locator('.cell-status.submitted').count()).toBe(2);

    // A tampered copy is refused, and the page says so.
    const tampered = path.join(dir, 'tampered.json');
    fs.writeFileSync(tampered, fs.readFileSync(resultsFile, 'utf8').replace('"rating":4', '"rating":7'));
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Import results…' }).click();
    await (await chooser).setFiles(tampered);
    await page.getByRole('region', { name: 'Results import' }).getByText(/refused — the content does not match its hash/).waitFor();
    await page.close();
    await server.stop();
    server = undefined;

    const records = (await cli('export', 'reviews', '--study', 'pilot', '--db', researcherDb))
      .trim()
      .split('\n')
      .map((l) => ReviewRecordSchema.parse(JSON.parse(l)));
    expect(records).toHaveLength(2);
    expect(records.map((r) => r.condition).sort()).toEqual(['cond-blind-x', 'cond-help-y']);
    expect(records.map((r) => r.rating).sort()).toEqual([4, 5]);
    expect(records.every((r) => r.evaluator === 'ann' && r.reopened === undefined)).toBe(true);
    const assisted = records.find((r) => r.condition === 'cond-help-y')!;
    expect(assisted.decisions.map((d) => d.verdict)).toEqual(assisted.decisions.map(() => 'accept'));
    expect(problems).toEqual([]);
  });

  it('a reopened review, changed and exported again, merges as a newer revision; a diverging log stays a conflict', async () => {
    // The evaluator reopens her first review by keyboard, rates it 2 instead, and exports again.
    server = await startServe(evaluatorDb);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watch(page);
    await page.goto(server.url);
    await page.evaluate(() => localStorage.setItem('assay.evaluator', 'ann'));
    const [first] = (await api<{ items: { id: number; title: string; study: string }[] }>(server, 'review:queue', { evaluator: 'ann' })).items;
    await page.goto(`${server.url}#/review/${first!.id}`);
    await page.reload();
    await page.getByRole('heading', { name: first!.title }).waitFor();
    await page.getByRole('note').filter({ hasText: 'Submitted. To change it, reopen it.' }).waitFor();
    expect(await page.getByRole('button', { name: 'Reopen' }).getAttribute('aria-keyshortcuts')).toBe('o');
    await page.keyboard.press('o');
    await page.getByRole('button', { name: 'Submit' }).waitFor();
    await page.keyboard.press('Control+z'); // undo never reaches back past the reopen
    await page.getByRole('alert').filter({ hasText: 'Nothing to undo.' }).waitFor();
    await page.keyboard.press('2');
    await expect.poll(() => page.getByRole('radio', { name: '2' }).isChecked()).toBe(true);
    await page.keyboard.press('Control+Enter');
    await page.getByRole('heading', { name: 'Study pilot is done' }).waitFor(); // the other item is finished too
    await page.getByText('1 finished since then (or reopened and finished again): export again.', { exact: false }).waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export results again…' }).click();
    await (await download).saveAs(revisedFile);
    await page.getByRole('status').filter({ hasText: 'Downloaded 2 finished reviews' }).waitFor();
    await page.close();
    await server.stop();
    server = undefined;
    const revised = JSON.parse(fs.readFileSync(revisedFile, 'utf8')) as { requires: { feature: string }[] };
    expect(revised.requires).toEqual([{ feature: 'reopen', assay: '0.2.0' }]);

    // A copy of the pack reviewed differently elsewhere: its log is not an extension of the one merged.
    const otherDb = openDatabase(path.join(dir, 'other.db'));
    importPack(otherDb, fs.readFileSync(packFile, 'utf8'), 'ann.assay-pack.json');
    const t = Date.now();
    for (const q of getQueue(otherDb, 'ann')) {
      const begun = beginReview(otherDb, 'ann', q.id, t);
      let seq = 0;
      for (const event of [{ type: 'rating-set', rating: 7 }, { type: 'submitted' }] as ReviewEvent[]) {
        seq = recordEvent(otherDb, { evaluator: 'ann', review: begun.review.id, expectedSeq: seq, clientEventId: `o-${q.id}-${seq}-xxxx`, clientTime: t, event }, t + 10 + seq).seq;
      }
    }
    const diverged = path.join(dir, 'ann-results-elsewhere.json');
    fs.writeFileSync(diverged, exportResults(otherDb, {}, t + 1000).content);
    otherDb.close();

    // The researcher imports both: the revision merges, the diverging file conflicts and changes nothing.
    server = await startServe(researcherDb);
    const rp = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watch(rp);
    await rp.goto(`${server.url}#/studies/pilot`);
    await rp.getByRole('table', { name: 'Assignment matrix' }).waitFor();
    const importFile = async (file: string): Promise<void> => {
      const chooser = rp.waitForEvent('filechooser');
      await rp.getByRole('button', { name: 'Import results…' }).click();
      await (await chooser).setFiles(file);
    };
    await importFile(revisedFile);
    const report = rp.getByRole('region', { name: 'Results import' });
    await report.getByText('0 reviews added, 1 already here, 1 newer revision merged (reopened and finished again)').waitFor();
    await rp.getByRole('button', { name: 'Close', exact: true }).click();
    const mergedRow = rp.getByRole('region', { name: 'Merged results' }).getByRole('row').filter({ hasText: 'ann-results-2.json' });
    expect(await mergedRow.locator('td.num').allInnerTexts()).toEqual(['0', '1', '1', '0']);
    await importFile(diverged);
    await report.getByText('2 conflicts', { exact: false }).waitFor();
    expect(await report.innerText()).toContain('this database holds a different review of this item (neither log extends the other); nothing was overwritten');
    await rp.close();
    await server.stop();
    server = undefined;

    const records = (await cli('export', 'reviews', '--study', 'pilot', '--db', researcherDb))
      .trim()
      .split('\n')
      .map((l) => ReviewRecordSchema.parse(JSON.parse(l)));
    const reopened = records.filter((r) => r.reopened === 1);
    expect(reopened).toHaveLength(1);
    expect(reopened[0]!.rating).toBe(2);
    expect(records.map((r) => r.rating).sort()).toEqual([2, 5]); // the first review's 4 became 2; the second kept its 5
    expect(problems).toEqual([]);
  });
});
