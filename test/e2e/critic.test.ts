import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/backend/db/open.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import { launchChromium } from '../helpers/chromium.js';
import { startCriticServer, type CriticServer } from '../helpers/critic-server.js';
import { watchProblems } from '../helpers/page.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDbPath } from '../helpers/temp.js';

// Tasks → Generate critiques… against the loopback emulator, in Chromium through browser mode; then
// the generated critiques reviewed in the practice queue.

const KEY = 'sk-e2e-critic-0123456789abcdef';
const output = 'The council closed the footbridge for a year. Repairs cost 420,000 pounds. A shuttle runs every hour.';

describe('critic in the UI (Chromium)', () => {
  let browser: Browser;
  let server: ServerProcess;
  let critic: CriticServer;
  const dbPath = tempDbPath();
  const problems: string[] = [];

  beforeAll(async () => {
    const db = openDatabase(dbPath);
    importTasks(db, [
      {
        id: 'bridge',
        kind: 'summary',
        title: 'Bridge news',
        output,
        context: { document: 'The council voted to close the footbridge for six months. Repairs cost 420,000 pounds.' },
        flaws: [{ id: 'f1', description: 'Wrong duration', anchor: { quote: 'for a year' } }],
      },
    ]);
    db.close();
    critic = await startCriticServer({ apiKey: KEY, latencyMs: 150 });
    // the key is in the server's environment, under a name the UI may use; the page never sees it
    server = await startServe(dbPath, [], { ASSAY_CRITIC_API_KEY: KEY });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await critic?.close();
  });

  const open = async (): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchProblems(page, problems);
    return page;
  };

  it('generates critiques from the Tasks screen: estimate, progress, summary, sweep plot, provenance — the key never on the page', async () => {
    const page = await open();
    await page.goto(`${server.url}#/tasks`);
    await page.getByRole('heading', { name: /Tasks/ }).waitFor();
    // before any run, the Critics tab says how to get a critic
    await page.getByRole('tab', { name: 'Critics' }).click();
    await page.getByText(/No critic has written critiques in this database yet/).waitFor();
    await page.keyboard.press('g');
    const dialog = page.getByRole('dialog', { name: 'Generate critiques' });
    await dialog.getByLabel('Endpoint').fill(critic.baseUrl);
    await dialog.getByLabel('Model').fill('emu:1b');
    // a modal dialog keeps its keys: j and i on its buttons neither move the task list nor open the file picker
    let choosers = 0;
    page.on('filechooser', () => choosers++);
    await dialog.getByRole('button', { name: 'Estimate' }).focus();
    await page.keyboard.press('j');
    await page.keyboard.press('i');
    await page.waitForTimeout(300);
    expect(page.url()).toMatch(/#\/tasks$/);
    expect(choosers).toBe(0);
    await expect.poll(() => dialog.count()).toBe(1);
    await dialog.getByLabel('Samples per task').fill('2');
    await dialog.getByLabel('API key').selectOption('env');
    expect(await dialog.getByLabel('Variable').inputValue()).toBe('ASSAY_CRITIC_API_KEY');
    await dialog.getByRole('button', { name: 'Estimate' }).click();
    await dialog.getByText(/About 2 requests and [\d,]+ prompt tokens/).waitFor();
    expect(critic.requests).toHaveLength(0);
    await dialog.getByRole('button', { name: 'Generate' }).click();
    await dialog.getByRole('progressbar', { name: 'Critic run' }).waitFor();
    await dialog.getByText('2 samples stored').waitFor({ timeout: 30_000 });
    await expect(dialog.getByText(/with a hallucinated anchor/).innerText()).resolves.toMatch(/\d+ critiques?, [1-9]\d* with a hallucinated anchor/);
    expect(critic.requests.map((r) => r.authorization)).toEqual([`Bearer ${KEY}`, `Bearer ${KEY}`]);
    expect(await page.content()).not.toContain(KEY);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => dialog.count()).toBe(0);

    // the Critics tab beside the list, with the sweep plot; the task's critique count grew
    await expect.poll(() => page.getByRole('tab', { name: /Critics/ }).getAttribute('aria-selected')).toBe('true');
    await page.getByRole('tabpanel', { name: /Critics/ }).getByRole('heading', { name: 'Critics' }).waitFor();
    await expect.poll(() => page.locator('.critics-panel svg circle').count()).toBeGreaterThan(0);
    const row = page.getByRole('option', { name: 'Bridge news' });
    await expect.poll(() => row.innerText()).toMatch(/\b[1-9]\d* critiques\b/);

    // provenance in the task's preview, under each generated critique: as text, with the claimed quote of a hallucinated anchor
    await row.click();
    await expect.poll(() => page.getByRole('tab', { name: 'Task' }).getAttribute('aria-selected')).toBe('true');
    const critiques = page.getByRole('table', { name: /Critiques/ });
    await critiques.getByText('anchor not in the text').first().waitFor();
    await expect(page.getByRole('heading', { name: /Critiques \(\d+\)/ }).innerText()).resolves.toMatch(/\d+ written by (a critic|critics)/);
    await expect(critiques.innerText()).resolves.toMatch(/Claimed quote, not found in the output: “according to the 1987 annual report”/);
    await expect(critiques.innerText()).resolves.toMatch(/critic emu-1b · sample 0 · seed 0 · temperature 0\.7 · endpoint 127\.0\.0\.1:\d+ · prompt sha256 [0-9a-f]{12}… · \d+ \+ \d+ tokens/);
    const first = page.getByRole('group', { name: /^Provenance of emu-1b\.s0\.c\d+$/ }).first();
    await expect(first.count()).resolves.toBe(1);
    // a hallucinated anchor is never highlighted: only anchors the output contains are marks
    expect(await page.locator('.task-detail-output').innerText()).not.toContain('according to the 1987 annual report');
    expect(await page.content()).not.toContain(KEY);
    // with critics in the database and no task chosen, the Tasks screen opens on the Critics tab
    await page.goto(`${server.url}#/tasks`);
    await page.reload();
    await page.locator('.critics-panel svg circle').first().waitFor();
    await expect.poll(() => page.getByRole('tab', { name: /Critics/ }).getAttribute('aria-selected')).toBe('true');
    await page.close();
  });

  it('the generated critiques are reviewed in the practice queue: anchored ones highlighted, hallucinated ones without a highlight', async () => {
    const page = await open();
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Who is reviewing?' }).waitFor();
    await page.getByRole('textbox').fill('Ivy');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Your queue' }).waitFor();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Bridge news' }).waitFor();
    const view = (await (await fetch(`${server.url}api/review:view`, { method: 'POST', body: JSON.stringify({ evaluator: 'ivy', item: Number(/#\/review\/(\d+)/.exec(page.url())![1]) }) })).json()) as {
      value: { critiques: { id: string; text: string; range: unknown }[] };
    };
    const critiques = view.value.critiques;
    expect(critiques.length).toBeGreaterThanOrEqual(4);
    const first = critiques[0]!;
    await page.getByText(first.text).first().waitFor();
    // one highlight per anchored critique, none for the others (a claimed quote the output lacks)
    const anchored = critiques.filter((c) => c.range !== null).length;
    expect(anchored).toBeLessThan(critiques.length);
    await expect.poll(() => page.locator('.output-text mark').count()).toBeGreaterThan(0);
    expect(await page.locator('body').innerText()).not.toContain('according to the 1987 annual report');
    await page.keyboard.press('a'); // accept the first generated critique
    await page.keyboard.press('4');
    await page.keyboard.press('Control+Enter');
    // critiques are left undecided: Assay asks first (y submits anyway)
    await page.getByRole('alertdialog', { name: 'Submit with undecided critiques?' }).waitFor();
    await page.keyboard.press('y');
    await expect
      .poll(async () => ((await (await fetch(`${server.url}api/review:queue`, { method: 'POST', body: '{"evaluator":"ivy"}' })).json()) as { value: { items: { status: string }[] } }).value.items[0]!.status)
      .toBe('submitted');
    await page.close();
    // the decision is stored on the critic's critique (its original id; the page only knew k1)
    const db = openDatabase(dbPath, { migrate: false });
    try {
      const decision = db.prepare(`SELECT payload_json FROM review_events WHERE type = 'decision-recorded'`).get() as { payload_json: string };
      expect(JSON.parse(decision.payload_json)).toMatchObject({ critique: expect.stringMatching(/^emu-1b\.s[01]\.c\d+$/), verdict: 'accept' });
    } finally {
      db.close();
    }
    expect(problems).toEqual([]);
  });

  it('"Ask the critic" (button and key c) in the practice queue: new critiques join the list, are decided and stored', async () => {
    const page = await open();
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Who is reviewing?' }).waitFor();
    await page.getByRole('textbox').fill('Joe');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Your queue' }).waitFor();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Bridge news' }).waitFor();
    const cards = page.locator('.cq-card');
    await expect.poll(() => cards.count()).toBeGreaterThan(0);
    const before = await cards.count();
    const requests = critic.requests.length;
    const button = page.getByRole('button', { name: 'Ask the critic' });
    await expect(button.getAttribute('aria-keyshortcuts')).resolves.toBe('c');
    await page.keyboard.press('c');
    await page.getByText(/The critic added \d+ critiques? at the end of the list/).waitFor({ timeout: 30_000 });
    expect(critic.requests.length).toBe(requests + 1);
    expect(critic.requests.at(-1)!.body['seed']).toBe(2); // samples 0 and 1 came from the run: this is sample 2
    const after = await cards.count();
    expect(after).toBeGreaterThan(before);
    // the first new critique is selected; accept it, then ask again with the button
    await expect.poll(() => cards.nth(before).getAttribute('aria-current')).toBe('true');
    await page.keyboard.press('a');
    await expect.poll(() => page.locator('.save-indicator').innerText()).toBe('Saved');
    await button.click();
    await expect.poll(() => cards.count(), { timeout: 30_000 }).toBeGreaterThan(after);
    const final = await cards.count();
    expect(await page.locator('body').innerText()).not.toContain('according to the 1987 annual report');
    expect(await page.content()).not.toContain(KEY);
    await page.keyboard.press('5');
    await page.keyboard.press('Control+Enter');
    // critiques are left undecided: Assay asks first (y submits anyway)
    await page.getByRole('alertdialog', { name: 'Submit with undecided critiques?' }).waitFor();
    await page.keyboard.press('y');
    await expect
      .poll(async () => ((await (await fetch(`${server.url}api/review:queue`, { method: 'POST', body: '{"evaluator":"joe"}' })).json()) as { value: { items: { status: string }[] } }).value.items[0]!.status)
      .toBe('submitted');
    await page.close();
    const db = openDatabase(dbPath, { migrate: false });
    try {
      // the accepted critique is the critic's sample 2, asked from the review; both asks are in the log
      const review = db.prepare(`SELECT r.id, r.shown_json FROM reviews r JOIN queue_items q ON q.id = r.queue_item_id WHERE q.evaluator_id = 'joe'`).get() as { id: number; shown_json: string };
      const events = db.prepare('SELECT type, payload_json FROM review_events WHERE review_id = $id ORDER BY seq').all({ id: review.id }) as { type: string; payload_json: string }[];
      expect(events.map((e) => e.type)).toEqual(['critiques-added', 'decision-recorded', 'critiques-added', 'rating-set', 'submitted']);
      expect(JSON.parse(events[1]!.payload_json)).toMatchObject({ critique: expect.stringMatching(/^emu-1b\.s2\.c\d+$/), verdict: 'accept' });
      expect(JSON.parse(review.shown_json)).toHaveLength(final); // what the page showed is what the review records
      const samples = db.prepare(`SELECT sample FROM critic_samples WHERE critic = 'emu-1b' AND task_id = 'bridge' ORDER BY sample`).all() as { sample: number }[];
      expect(samples.map((r) => r.sample)).toEqual([0, 1, 2, 3]);
    } finally {
      db.close();
    }
    expect(problems).toEqual([]);
  });
});
