import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { openDatabase } from '../../electron/backend/db/open.js';
import { createStudy } from '../../electron/backend/studies/repository.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import { studyTasks } from '../backend/studies/fixtures.js';
import { launchChromium } from '../helpers/chromium.js';
import { watchProblems } from '../helpers/page.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDbPath } from '../helpers/temp.js';

// Closing a study from its screen: a confirmation that opens on Cancel, then the study is closed
// for good — no more results imports or packs from the UI, and the CLI agrees.

describe('closing a study in the UI (Chromium)', () => {
  let browser: Browser;
  let server: ServerProcess;
  let dbPath: string;

  beforeAll(async () => {
    dbPath = tempDbPath();
    const db = openDatabase(dbPath);
    importTasks(db, studyTasks(4));
    createStudy(db, { name: 'pilot', conditions: [{ name: 'alone', policy: 'none' }, { name: 'helped', policy: 'all' }], evaluators: [{ id: 'ann' }, { id: 'bob' }], overlap: 1, seed: 2 });
    db.close();
    server = await startServe(dbPath);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('asks first (Cancel has the focus), then closes: the screen says so and refuses results and packs', async () => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    const problems: string[] = [];
    watchProblems(page, problems);
    await page.goto(`${server.url}#/studies/pilot`);
    await page.getByRole('table', { name: 'Assignment matrix' }).waitFor();
    await page.getByText('Open', { exact: true }).waitFor();

    // c opens the confirmation; Enter on the focused Cancel closes nothing
    await page.keyboard.press('c');
    const dialog = page.getByRole('alertdialog', { name: 'Close pilot for good?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('cannot be reopened');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('Open', { exact: true }).waitFor();

    await page.getByRole('button', { name: 'Close study…' }).click();
    await dialog.getByRole('button', { name: 'Close study' }).click();
    await page.getByRole('status').filter({ hasText: 'Study pilot is closed' }).waitFor();
    await page.getByText('Closed', { exact: true }).waitFor();
    await page.getByText(/^Closed on .*: no new reviews, results or packs; the figures are final\.$/).waitFor();
    expect(await page.getByRole('button', { name: 'Close study…' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Import results…' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Export pack for ann' }).isDisabled()).toBe(true);

    // the back end agrees, whoever asks
    const res = await fetch(`${server.url}api/packs:export`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ study: 'pilot', evaluator: 'ann' }) });
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'conflict', message: 'Study "pilot" is closed: no more packs can be exported.' } });

    // the list shows it closed too
    await page.keyboard.press('Escape');
    await page.getByRole('row').filter({ hasText: 'pilot' }).getByText('closed').waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });
});
