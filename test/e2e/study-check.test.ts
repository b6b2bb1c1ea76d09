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

// The New study screen checks the design before Create: hazards with counts and what to do, the
// power estimate, and a refused design that needs "Create anyway"; the study's screen then shows
// the check stored with it.

describe('New study screen: the study check (Chromium)', () => {
  let browser: Browser;
  let server: ServerProcess;

  beforeAll(async () => {
    const dbPath = tempDbPath();
    const db = openDatabase(dbPath);
    importTasks(db, [...studyTasks(4), ...[1, 2].map((i) => ({ id: `bare-${i}`, kind: 'summary', output: `A summary without critiques ${i}.` }))]);
    // A study from before checks were stored: its check row removed.
    const old = createStudy(db, {
      name: 'older',
      tasks: ['task-1', 'task-2', 'task-3', 'task-4'],
      conditions: [
        { name: 'unassisted', policy: 'none' },
        { name: 'assisted', policy: 'all' },
      ],
      evaluators: [{ id: 'ann' }, { id: 'bob' }, { id: 'cyd' }],
      overlap: 2,
      seed: 1,
    });
    db.prepare('DELETE FROM study_checks WHERE study_id = ?').run(old.id);
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
      value: { check: { forced: boolean; check: { refused: boolean; hazards: unknown[] } } };
    };
    expect(stored.value.check).toMatchObject({ forced: true, check: { refused: true } });

    // The study's own screen shows the stored check: that it was created anyway, every hazard
    // with its count and what to do.
    const shown = page.getByRole('region', { name: 'Study check' });
    await shown.getByText(/Checked when the study was created .* over 2 tasks and 0 ground-truth flaws: 1 refusal and \d+ warnings?\./).waitFor();
    await shown.getByRole('note').filter({ hasText: 'Created anyway: the check refused this design' }).waitFor();
    const refusal = shown.getByRole('listitem').filter({ hasText: 'assisted-shows-nothing' });
    expect(await refusal.textContent()).toMatch(/refused\s*assisted-shows-nothing\s*count 2.*meant to assist but shows no critique on any of the 2 tasks.*What to do: /);
    expect(await shown.getByRole('listitem').count()).toBe(stored.value.check.check.hazards.length);
    expect(await shown.getByRole('listitem').filter({ hasText: 'no-flaws' }).textContent()).toMatch(/warning\s*no-flaws\s*count 2/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a study created before checks were stored says so, and checks its design on request', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems: string[] = [];
    watchProblems(page, problems);
    await page.goto(`${server.url}#/studies/older`);
    const shown = page.getByRole('region', { name: 'Study check' });
    await shown.getByText('This study was created before Assay checked designs, so no check is stored with it.').waitFor();
    await shown.getByRole('button', { name: 'Check the design now' }).click();
    await shown.getByText(/Checked now \(not stored\) over 4 tasks and \d+ ground-truth flaws?: 0 refusals and [1-9]\d* warnings?\./).waitFor();
    await shown.getByRole('listitem').filter({ hasText: 'agreement-impossible' }).waitFor();
    expect(await shown.getByRole('button', { name: 'Check the design now' }).count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
