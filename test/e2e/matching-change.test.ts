// The matching screen on a multi-file task (issue 14: matching works per file): the output pane is
// the change — its file list and the file the current report is on, with the report marked there —
// never an empty output.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reviewChangeRecord, reviewChangeStudyTask } from '../fixtures/review-change.js';
import { cliOk } from '../helpers/cli.js';
import { useBrowserMode } from '../helpers/browser-mode.js';
import { watchProblems } from '../helpers/page.js';
import { tempDir } from '../helpers/temp.js';

describe('matching a multi-file task (Chromium)', () => {
  const dir = tempDir();
  const problems: string[] = [];
  const env = useBrowserMode(async (db) => {
    const task = reviewChangeStudyTask;
    const tasksFile = path.join(dir, 'tasks.jsonl');
    fs.writeFileSync(tasksFile, `${JSON.stringify(task)}\n`);
    await cliOk('import', tasksFile, '--db', db);
    await cliOk('study', 'create', '--name', 'pr', '--conditions', 'assisted:all', '--evaluators', 'ann', '--overlap', '1', '--seed', '1', '--db', db);
    const record = reviewChangeRecord(['c1'], [{ id: 'own1', description: 'No test for a negative quantity', anchor: { path: 'tests/test_invoice.py', lines: [1, 1] } }]);
    const recordsFile = path.join(dir, 'records.jsonl');
    fs.writeFileSync(recordsFile, `${JSON.stringify(record)}\n`);
    await cliOk('results', 'import', recordsFile, '--db', db);
  });

  it('shows the file each report is on, with its file list, and opens another file on request', async () => {
    const page = await env.browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchProblems(page, problems);
    await page.goto(`${env.server.url}#/analysis/pr/matching`);
    const reports = page.getByRole('listbox', { name: 'Reports' });
    await reports.waitFor();
    const output = page.getByRole('region', { name: 'Output', exact: true });
    const openFile = () => output.locator('.file-head-path').textContent();

    // the accepted critique c1 is on billing/invoice.py: that file is shown, with the report marked
    await reports.getByRole('option', { name: /Accepted critique c1/ }).click();
    await expect.poll(openFile).toBe('billing/invoice.py');
    await expect.poll(() => output.locator('.file-list').innerText()).toMatch(/test_invoice\.py/);
    await expect.poll(() => output.locator('.om-report').count()).toBeGreaterThan(0);

    // the evaluator's own flaw is on the new test file: the pane follows the report
    await reports.getByRole('option', { name: /Added flaw own1/ }).click();
    await expect.poll(openFile).toBe('tests/test_invoice.py');
    await expect.poll(() => output.locator('.om-report').count()).toBeGreaterThan(0);

    // the report card and each flaw say which file and lines they are on; a flaw's opens its file
    await expect.poll(() => page.getByRole('region', { name: 'Report and flaws' }).locator('.report-card').innerText()).toContain('tests/test_invoice.py, line 1');
    await page.getByRole('button', { name: 'billing/invoice.py, lines 14–15' }).click();
    await expect.poll(openFile).toBe('billing/invoice.py');
    await page.getByRole('button', { name: 'tests/test_invoice.py, lines 1–2' }).click();
    await expect.poll(openFile).toBe('tests/test_invoice.py');

    // another file opens from the list, and the next report brings the pane back to its own file
    await output.locator('.file-list').getByText('legacy.py').click();
    await expect.poll(openFile).toBe('billing/legacy.py');
    await reports.getByRole('option', { name: /Accepted critique c1/ }).click();
    await expect.poll(openFile).toBe('billing/invoice.py');
    expect(problems).toEqual([]);
    await page.close();
  });
});
