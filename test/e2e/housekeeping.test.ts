// Housekeeping in the UI (issue #12): delete a study that never showed anything, archive a closed
// one, remove a profile created by mistake, delete the tasks in no study — and the refusals, with
// their reasons, for everything that would lose reviews or the record of what was shown.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/backend/db/open.js';
import { createEvaluator } from '../../electron/backend/reviews/repository.js';
import { exportPack } from '../../electron/backend/studies/packs.js';
import { createStudy } from '../../electron/backend/studies/repository.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import { launchChromium } from '../helpers/chromium.js';
import { watchProblems } from '../helpers/page.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDbPath } from '../helpers/temp.js';

const task = (id: string, title: string) => ({ id, kind: 'summary', title, output: `Output of ${title}.`, critiques: [{ id: 'c1', text: 'A critique.' }] });

describe('housekeeping (Chromium)', () => {
  let server: ServerProcess;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    const dbPath = tempDbPath();
    const db = openDatabase(dbPath);
    importTasks(db, [task('s1', 'Shown task'), task('f1', 'Fresh task'), task('loose-1', 'Loose one'), task('loose-2', 'Loose two')]);
    createStudy(db, { name: 'shown', conditions: [{ name: 'a', policy: 'all' }], evaluators: [{ id: 'ann', displayName: 'Ann Lee' }], overlap: 1, seed: 1, tasks: ['s1'] });
    createStudy(db, { name: 'fresh', conditions: [{ name: 'a', policy: 'all' }], evaluators: [{ id: 'bob' }], overlap: 1, seed: 1, tasks: ['f1'] });
    exportPack(db, 'shown', 'ann');
    createEvaluator(db, 'Typo Name');
    db.close();
    server = await startServe(dbPath);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function open(hash: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    watchProblems(page, problems);
    await page.goto(`${server.url}${hash}`);
    return page;
  }

  it('deletes a study that never showed anything; refuses one that issued a pack, saying why; archives it once closed', async () => {
    const page = await open('#/studies/fresh');
    await page.getByRole('heading', { name: 'fresh', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Delete study…' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete fresh?' });
    expect(await dialog.textContent()).toContain('the tasks and the evaluator profiles stay');
    await dialog.getByRole('button', { name: 'Delete study' }).click();
    await page.getByRole('heading', { name: 'Studies', exact: true }).waitFor();
    await page.getByRole('button', { name: 'shown', exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'fresh', exact: true }).count()).toBe(0);

    await page.getByRole('button', { name: 'shown', exact: true }).click();
    const del = page.getByRole('button', { name: 'Delete study…' });
    await del.waitFor();
    expect(await del.isDisabled()).toBe(true);
    expect(await del.getAttribute('title')).toMatch(/issued 1 pack \(their secrets and pins are the record of what each evaluator was shown.*Close it, then archive it/);
    expect(await page.getByRole('button', { name: 'Archive' }).count()).toBe(0); // an open study is not archived
    await page.getByRole('button', { name: 'Close study…' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Close study' }).click();
    await page.getByRole('button', { name: 'Archive' }).click();
    await page.getByText(/^Archived on /).waitFor();
    await page.getByRole('button', { name: '← Studies' }).click();
    await page.getByRole('heading', { name: 'Studies', exact: true }).waitFor();
    await page.getByText('No studies to show (archived studies are hidden).', { exact: false }).waitFor();
    await page.getByRole('checkbox', { name: 'Show archived studies' }).check();
    await page.getByText('closed, archived').waitFor();
    await page.close();
  });

  it('removes a profile nobody uses; a study evaluator is kept, with the reason', async () => {
    const page = await open('#/studies');
    const profiles = page.getByRole('region', { name: 'Evaluator profiles' });
    await profiles.waitFor();
    const ann = profiles.getByRole('row').filter({ hasText: 'Ann Lee' });
    expect(await ann.textContent()).toContain('kept: is an evaluator of study "shown"');
    await profiles.getByRole('button', { name: 'Remove profile typo-name…' }).click();
    await profiles.getByRole('alertdialog', { name: 'Remove typo-name?' }).getByRole('button', { name: 'Remove' }).click();
    await profiles.getByText('Removed the profile typo-name.').waitFor();
    await expect.poll(() => profiles.getByRole('row').filter({ hasText: 'Typo Name' }).count()).toBe(0); // the list reloads after the message
    await page.close();
  });

  it('deletes the tasks in no study from the task browser, after saying how many; a study task says why it stays', async () => {
    const page = await open('#/tasks');
    await page.getByRole('heading', { name: 'Tasks (4)' }).waitFor();
    await page.getByRole('button', { name: 'Delete tasks in no study…' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete tasks in no study' });
    // fresh was deleted in the first test: its task is in no study now, with the two loose ones
    await dialog.getByText('Delete 3 tasks in no study, with their critiques and flaws?').waitFor();
    await dialog.getByRole('button', { name: 'Delete 3' }).click();
    await page.getByRole('heading', { name: 'Tasks (1)' }).waitFor();
    await page.getByRole('option', { name: 'Shown task' }).click();
    await page.getByText('Cannot be deleted: it is in study "shown"', { exact: false }).waitFor();
    expect(await page.getByRole('button', { name: 'Delete task…' }).isDisabled()).toBe(true);
    await page.close();
    expect(problems).toEqual([]);
  });
});
