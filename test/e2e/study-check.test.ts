import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { openDatabase } from '../../electron/backend/db/open.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import { studyTasks } from '../backend/studies/fixtures.js';
import { launchChromium } from '../helpers/chromium.js';
import { watchProblems } from '../helpers/page.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDbPath } from '../helpers/temp.js';

// The New study screen checks the design before Create: hazards with counts and what to do, the
// power estimate, and a refused design that needs "Create anyway".

describe('New study screen: the study check (Chromium)', () => {
  let browser: Browser;
  let server: ServerProcess;

  beforeAll(async () => {
    const dbPath = tempDbPath();
    const db = openDatabase(dbPath);
    importTasks(db, [...studyTasks(4), ...[1, 2].map((i) => ({ id: `bare-${i}`, kind: 'summary', output: `A summary without critiques ${i}.` }))]);
    db.close();
    server = await startServe(dbPath);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lists hazards with counts and a power estimate, and refuses an assisted condition that shows nothing unless “Create anyway”', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems: string[] = [];
    watchProblems(page, problems);
    await page.goto(`${server.url}#/studies/new`);
    await page.getByLabel('Name', { exact: true }).fill('checked');
    await page.getByLabel('Evaluators', { exact: true }).fill('ann\nbob\ncyd');
    const check = page.getByRole('region', { name: 'Study check' });
    await check.getByText('agreement-impossible').waitFor();
    await check.getByText(/With 2 conditions and overlap 2 no task is reviewed twice under one condition/).waitFor();
    await check.getByText(/assisted \(all\) shows no critique on 2 tasks/).waitFor();
    expect(await check.getByRole('status').textContent()).toMatch(/Power to detect a 50% uplift in caught flaws per review: about \d+%/);
    expect(await page.getByRole('button', { name: 'Create study' }).isEnabled()).toBe(true);

    await page.getByLabel('Tasks', { exact: true }).fill('bare-1 bare-2');
    await check.getByText(/is meant to assist but shows no critique on any of the 2 tasks/).waitFor();
    await check.getByText('refused').waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Create study' }).isDisabled()).toBe(true);
    await page.getByLabel(/Create anyway/).check();
    await page.getByRole('button', { name: 'Create study' }).click();
    await page.getByRole('table', { name: 'Assignment matrix' }).waitFor();
    const stored = (await (await fetch(`${server.url}api/studies:get`, { method: 'POST', body: JSON.stringify({ name: 'checked' }) })).json()) as {
      value: { check: { forced: boolean; check: { refused: boolean } } };
    };
    expect(stored.value.check).toMatchObject({ forced: true, check: { refused: true } });
    expect(problems).toEqual([]);
    await page.close();
  });
});
