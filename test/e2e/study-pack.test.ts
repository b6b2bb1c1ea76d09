import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { cliOk } from '../helpers/cli.js';
import { watchProblems } from '../helpers/page.js';
import { ReviewRecordSchema } from '../../shared/review/record.js';
import { studyTasks, secrets } from '../backend/studies/fixtures.js';
import { launchChromium } from '../helpers/chromium.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

// A study's whole life across two databases: the researcher creates a study and a pack; the
// evaluator opens the pack in their own Assay (browser mode), reviews with #4's review screen by
// keyboard, exports results; the researcher imports them and sees the progress.

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
  let browser: Browser;
  let server: ServerProcess | undefined;
  const problems: string[] = [];

  const watch = (page: Page): void => watchProblems(page, problems);

  beforeAll(async () => {
    const tasksFile = path.join(dir, 'tasks.jsonl');
    fs.writeFileSync(tasksFile, `${studyTasks(4).map((t) => JSON.stringify(t)).join('\n')}\n`);
    await cli('import', tasksFile, '--db', researcherDb);
    await cli('study', 'create', '--name', 'pilot', '--conditions', 'cond-blind-x:none,cond-help-y:all', '--evaluators', 'ann=Ann Lee,bob=Bo Brown', '--overlap', '1', '--seed', '3', '--db', researcherDb);
    await cli('pack', 'export', '--study', 'pilot', '--evaluator', 'ann', '--out', packFile, '--db', researcherDb);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the evaluator opens the pack, reviews by keyboard, and exports results', async () => {
    server = await startServe(evaluatorDb);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watch(page);
    await page.goto(`${server.url}#/studies`);
    await page.getByRole('heading', { name: 'Studies', exact: true }).waitFor();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Open pack…' }).click();
    await (await chooser).setFiles(packFile);
    await page.getByRole('status').filter({ hasText: 'Opened the pack: 2 items for ann in study pilot' }).waitFor();
    await page.getByRole('table').filter({ hasText: 'ann' }).getByText('0 / 2').waitFor();

    // "Review" opens #4's review screen on Ann's queue; from there the review is keyboard only.
    await page.getByRole('button', { name: 'Review as ann' }).click();
    await page.getByRole('heading', { name: 'Your queue' }).waitFor();
    await page.getByText('0 of 2 done').waitFor(); // Ann's two study items, no profile picker on the way
    const queue = await api<{ items: { id: number; title: string; study: string; label: string }[] }>(server, 'review:queue', { evaluator: 'ann' });
    const studyItems = queue.items.filter((q) => q.study === 'pilot');
    expect(studyItems).toHaveLength(2);
    await page.getByRole('button', { name: 'Start reviewing' }).click();
    for (const [i, item] of studyItems.entries()) {
      await page.getByRole('heading', { name: item.title }).waitFor();
      // Blinding in the evaluator's DOM: no condition names, flaws, scores or other evaluators.
      const body = await page.locator('body').innerText();
      for (const secret of ['cond-blind-x', 'cond-help-y', secrets.flaw, secrets.model, 'Bo Brown', '0.9']) expect(body).not.toContain(secret);
      const view = await api<{ critiques: unknown[] | null }>(server, 'review:view', { evaluator: 'ann', item: item.id });
      if (view.critiques !== null) {
        await page.getByRole('button', { name: 'Accept' }).first().waitFor();
        await page.keyboard.press('a');
        await expect.poll(() => page.getByRole('listitem', { name: 'Critique 1' }).innerText()).toContain('Accepted');
      }
      await page.keyboard.press(String(4 + i));
      await expect.poll(() => page.getByRole('radio', { name: String(4 + i) }).isChecked()).toBe(true);
      await page.keyboard.press('Control+Enter');
      await expect
        .poll(async () => (await api<{ review: { status: string } | null }>(server!, 'review:view', { evaluator: 'ann', item: item.id })).review?.status, { timeout: 10_000 })
        .toBe('submitted');
    }

    // After the last item the review screen returns to the queue by itself: let it, then go to Studies.
    await page.getByText('2 of 2 done').waitFor();
    await page.goto(`${server.url}#/studies`);
    await page.getByRole('table').filter({ hasText: 'ann' }).getByText('2 / 2').waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export results…' }).click();
    await (await download).saveAs(resultsFile);
    await page.getByRole('status').filter({ hasText: 'Exported 2 finished reviews' }).waitFor();
    await page.close();
    await server.stop();
    server = undefined;

    const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as { format: string; reviews: { events: unknown[] }[]; hash: string };
    expect(results.format).toBe('assay-results');
    expect(results.reviews).toHaveLength(2);
    expect(results.hash).toMatch(/^sha256:/);
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
    // Provenance: the merge is listed once (the second, unchanged import stored nothing).
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
    expect(records.every((r) => r.evaluator === 'ann')).toBe(true);
    const assisted = records.find((r) => r.condition === 'cond-help-y')!;
    expect(assisted.decisions).toEqual([{ critique: 'c1', verdict: 'accept' }]);
    expect(problems).toEqual([]);
  });
});
