import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { openDatabase } from '../../electron/backend/db/open.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import { PackFileV2Schema } from '../../shared/study/formats.js';
import { studyTasks } from '../backend/studies/fixtures.js';
import { launchChromium } from '../helpers/chromium.js';
import { watchProblems } from '../helpers/page.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDbPath, tempDir } from '../helpers/temp.js';

// The researcher's side in the UI: create a study from the form (keyboard to get there), read the
// assignment matrix and progress, export a pack.

describe('studies screen (Chromium)', () => {
  let browser: Browser;
  let server: ServerProcess;

  beforeAll(async () => {
    const dbPath = tempDbPath();
    const db = openDatabase(dbPath);
    importTasks(db, studyTasks(6));
    db.close();
    server = await startServe(dbPath);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('creates a study from the form, shows the balanced matrix and exports a pack', async () => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    const problems: string[] = [];
    watchProblems(page, problems);
    await page.goto(`${server.url}#/studies`);
    await page.getByText('No studies to show (archived studies are hidden).').waitFor();
    await page.keyboard.press('n');
    await page.getByRole('heading', { name: 'New study' }).waitFor();

    await page.getByLabel('Name', { exact: true }).fill('ui-study');
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 3 name').fill('toptwo');
    await page.getByLabel('Condition 3 K').fill('2');
    await page.getByLabel('Evaluators', { exact: true }).fill('ann = Ann Lee\nbob\ncyd');
    await page.getByLabel('Overlap', { exact: true }).fill('4');
    await page.getByText('Overlap 4 needs at least 4 evaluators').waitFor();
    expect(await page.getByRole('button', { name: 'Create study' }).isDisabled()).toBe(true);
    await page.getByLabel('Overlap', { exact: true }).fill('3');
    await page.getByLabel('Seed', { exact: true }).fill('11');
    await page.getByText('6 tasks × overlap 3 = 18 reviews; each evaluator gets 6 items, balanced over 3 conditions.').waitFor();
    await page.getByRole('button', { name: 'Create study' }).click();

    const matrix = page.getByRole('table', { name: 'Assignment matrix' });
    await matrix.waitFor();
    await page.getByRole('heading', { name: 'ui-study' }).waitFor();
    expect(page.url()).toContain('#/studies/ui-study');
    // 6 task rows; every task in 3 cells, one per condition (3 conditions, overlap 3).
    const rows = matrix.locator('tbody tr');
    expect(await rows.count()).toBe(6);
    for (let i = 0; i < 6; i++) {
      const names = await rows.nth(i).locator('.cell-cond').allInnerTexts();
      expect(names.sort()).toEqual(['assisted', 'toptwo', 'unassisted']);
    }
    const annRow = page.getByRole('row').filter({ hasText: 'Ann Lee' });
    await annRow.getByText('0 / 6').waitFor();
    expect(await annRow.getByRole('cell').filter({ hasText: /^0 \/ 2$/ }).count()).toBe(3);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export pack for ann' }).click();
    const file = path.join(tempDir(), 'ann.json');
    await (await download).saveAs(file);
    const pack = PackFileV2Schema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    expect(pack.evaluator).toEqual({ id: 'ann', display_name: 'Ann Lee' });
    expect(pack.items).toHaveLength(6);
    await page.getByRole('status').filter({ hasText: 'give it to ann' }).waitFor();

    // Back (Esc), and the list shows the study with its progress; a second study of that name is refused.
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'ui-study' }).waitFor();
    await page.keyboard.press('n');
    await page.getByLabel('Name', { exact: true }).fill('ui-study');
    await page.getByLabel('Evaluators', { exact: true }).fill('ann');
    await page.getByLabel('Overlap', { exact: true }).fill('1');
    await page.getByRole('button', { name: 'Create study' }).click();
    await page.getByRole('alert').filter({ hasText: 'A study named "ui-study" already exists' }).waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('creates a study with settings: each field checked before Create, shown on the study screen, carried by the pack', async () => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    const problems: string[] = [];
    watchProblems(page, problems);
    await page.goto(`${server.url}#/studies/new`);
    await page.getByRole('heading', { name: 'New study' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('sandwich');
    await page.getByLabel('Evaluators', { exact: true }).fill('ann\nbob');
    await page.getByLabel('Overlap', { exact: true }).fill('1');
    const create = page.getByRole('button', { name: 'Create study' });

    await page.getByLabel('Rating (1–7)').selectOption('off');
    await page.getByLabel('Reason on reject').selectOption('optional');
    await page.getByLabel('Every shown critique decided before submitting').check();
    expect(await page.getByLabel('When time runs out').isDisabled()).toBe(true); // no limit, nothing to choose
    await page.getByLabel('Time limit per item (minutes)').fill('0');
    await page.getByText('Time limit: enter a number of minutes above 0, or leave it empty.').waitFor();
    expect(await create.isDisabled()).toBe(true);
    await page.getByLabel('Time limit per item (minutes)').fill('2.5');
    await page.getByLabel('When time runs out').selectOption('skip');
    await page.getByLabel('Flaw categories').fill('accuracy, , tone');
    await page.getByText('Flaw categories: a category needs a name.').waitFor();
    expect(await create.isDisabled()).toBe(true);
    await page.getByLabel('Flaw categories').fill('accuracy, tone, accuracy');
    await page.getByText('Flaw categories: a category is listed twice.').waitFor();
    await page.getByLabel('Flaw categories').fill('accuracy, tone');
    await page.getByLabel('Yes/no question').fill('Does the output contain a serious flaw?');
    await page.getByLabel('Instructions for evaluators').fill('# Read first\n\nCheck **every** claim. <img src=x onerror="window.__pwned=1"> ![p](https://evil.example/p.png)');
    await page.getByRole('button', { name: 'Preview instructions' }).click();
    const preview = page.locator('.instructions-box');
    await preview.getByRole('heading', { name: 'Read first' }).waitFor();
    expect(await preview.locator('img, a, script').count()).toBe(0);
    expect(await preview.innerText()).toContain('[image: p]');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.getByText('each evaluator gets').waitFor();
    await create.click();

    await page.getByRole('heading', { name: 'sandwich' }).waitFor();
    const settings = page.getByLabel('Settings');
    for (const line of [
      'rating: off (not asked)',
      'reject reason: optional',
      'every shown critique decided before submitting',
      'flaw categories: accuracy, tone',
      'time limit: 150 s per item (then the item is skipped)',
      'question: "Does the output contain a serious flaw?" (yes/no with confidence 50–100%)',
    ]) {
      await settings.getByText(line, { exact: true }).waitFor();
    }
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export pack for ann' }).click();
    const file = path.join(tempDir(), 'ann-settings.json');
    await (await download).saveAs(file);
    const pack = PackFileV2Schema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    expect(pack.settings).toMatchObject({ rating: 'off', reject_reason: 'optional', decide_all: true, categories: ['accuracy', 'tone'], time_limit_seconds: 150, on_time_limit: 'skip' });
    expect(pack.requires.map((r) => r.feature)).toEqual(['rating-off', 'decide-all', 'instructions', 'categories', 'time-limit', 'question']);
    expect(problems).toEqual([]);
    await page.close();
  });
});
