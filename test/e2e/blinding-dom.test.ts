import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openDatabase } from '../../electron/backend/db/open.js';
import { getQueue } from '../../electron/backend/reviews/repository.js';
import { createStudy } from '../../electron/backend/studies/repository.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import { exportReviewRecords } from '../../electron/backend/reviews/export.js';
import { launchChromium } from '../helpers/chromium.js';
import { watchProblems } from '../helpers/page.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDbPath } from '../helpers/temp.js';

// Blinding in the DOM on the researcher's own database: a study item reviewed there carries no
// original critique id into the page (they would say "decoy"), and a new profile's practice queue
// holds no task of the open study.

describe('blinding in the browser, on the researcher’s database (Chromium)', () => {
  let browser: Browser;
  let server: ServerProcess;
  let dbPath: string;
  let item: number;

  beforeAll(async () => {
    dbPath = tempDbPath();
    const db = openDatabase(dbPath);
    importTasks(db, [
      {
        id: 'study-task',
        kind: 'summary',
        title: 'Bridge',
        output: 'The council closed the bridge for a year.',
        critiques: [
          { id: 'decoy-id-4711', text: 'DECOYTEXT: the council never met.', valid: false },
          { id: 'real-id-0815', text: 'It closes for six months, not a year.', anchor: { quote: 'for a year' } },
        ],
      },
      { id: 'free-task', kind: 'summary', title: 'Free', output: 'Nothing else.' },
    ]);
    createStudy(db, { name: 'pilot', conditions: [{ name: 'assisted', policy: 'all' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 1, tasks: ['study-task'], reviewHere: true });
    item = getQueue(db, 'ann').find((q) => q.study === 'pilot')!.id;
    db.close();
    server = await startServe(dbPath);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function openAs(page: Page, evaluator: string, route: string): Promise<void> {
    await page.goto(server.url);
    await page.evaluate((e) => localStorage.setItem('assay.evaluator', e), evaluator);
    await page.goto(`${server.url}${route}`);
    await page.reload(); // the app reads the chosen profile at start
  }

  it('a study review in the page names critiques k1, k2 only; the decision is stored under the original id', async () => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    const problems: string[] = [];
    watchProblems(page, problems);
    const sent: string[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/')) void r.text().then((t) => sent.push(t), () => undefined);
    });
    await openAs(page, 'ann', `#/review/${item}`);
    await page.locator('[data-review-ready]').waitFor();
    await page.getByText('DECOYTEXT: the council never met.').first().waitFor();
    await page.keyboard.press('a'); // the first critique (k1: the decoy) is selected
    await page.getByText('Saved').first().waitFor();
    // a study review's shown list never changes: no "Ask the critic" here, and its key asks nothing
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('review:askCritic')) asked.push(r.url());
    });
    await page.keyboard.press('c');
    expect(await page.getByRole('button', { name: 'Ask the critic' }).count()).toBe(0);
    const dom = await page.content();
    for (const id of ['decoy-id-4711', 'real-id-0815']) {
      expect(dom, `the page holds ${id}`).not.toContain(id);
      expect(sent.join('\n'), `an API answer held ${id}`).not.toContain(id);
    }
    expect(sent.length).toBeGreaterThan(2);
    expect(asked).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
    const db = openDatabase(dbPath);
    const decided = db.prepare(`SELECT payload_json FROM review_events WHERE type = 'decision-recorded'`).all() as { payload_json: string }[];
    expect(decided.map((d) => JSON.parse(d.payload_json).critique)).toEqual(['decoy-id-4711']);
    expect(exportReviewRecords(db)).toEqual([]); // still open: not a record yet
    db.close();
  });

  it('a profile created in the browser sees only the task outside the open study', async () => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    const created = await (await fetch(`${server.url}api/evaluators:create`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ displayName: 'Curious' }) })).json();
    expect(created).toMatchObject({ ok: true, value: { id: 'curious' } });
    await openAs(page, 'curious', '#/review');
    await page.getByText('Free').first().waitFor();
    const dom = await page.content();
    expect(dom).not.toContain('Bridge');
    expect(dom).not.toContain('DECOYTEXT');
    await page.close();
  });
});
