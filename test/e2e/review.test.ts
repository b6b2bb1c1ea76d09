import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { cliOk } from '../helpers/cli.js';
import { watchProblems } from '../helpers/page.js';
import { openDatabase } from '../../electron/backend/db/open.js';
import { loadDemo } from '../../electron/backend/demo.js';
import { ReviewRecordSchema, type ReviewRecord } from '../../shared/review/record.js';
import { launchChromium } from '../helpers/chromium.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDbPath } from '../helpers/temp.js';

// Keyboard-only reviews of a summary and a code diff, with a server crash in the middle.

async function api<T>(server: ServerProcess, op: string, input: unknown): Promise<T> {
  const r = (await (await fetch(`${server.url}api/${op}`, { method: 'POST', body: JSON.stringify(input) })).json()) as {
    ok: boolean;
    value: T;
    error?: { message: string };
  };
  if (!r.ok) throw new Error(`${op}: ${r.error?.message}`);
  return r.value;
}

async function exportRecords(db: string): Promise<ReviewRecord[]> {
  const out = await cliOk('export', 'reviews', '--db', db);
  return out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => ReviewRecordSchema.parse(JSON.parse(l)));
}

interface ViewLike {
  review: { events: unknown[]; status: string } | null;
  critiques: unknown[] | null;
}

/** Waits until the server's log holds `n` events for the item (what "Saved" promises). */
async function waitForEvents(server: ServerProcess, item: number, n: number): Promise<void> {
  await expect
    .poll(async () => (await api<ViewLike>(server, 'review:view', { evaluator: 'ana', item })).review?.events.length ?? 0, { timeout: 10_000 })
    .toBe(n);
}

async function chooseProfile(page: Page, url: string, create: boolean): Promise<void> {
  await page.goto(url);
  await page.getByRole('heading', { name: 'Who is reviewing?' }).waitFor();
  if (create) {
    await page.getByRole('textbox').fill('Ana');
    await page.keyboard.press('Enter');
  } else {
    await page.getByRole('button', { name: 'Ana' }).click();
  }
  await page.getByRole('heading', { name: 'Your queue' }).waitFor();
}

const card = (page: Page, n: number) => page.getByRole('listitem', { name: `Critique ${n}` });

describe('review workspace (Chromium)', () => {
  let browser: Browser;
  let server: ServerProcess;
  const dbPath = tempDbPath();
  const problems: string[] = [];

  beforeAll(async () => {
    const db = openDatabase(dbPath);
    loadDemo(db);
    db.close();
    server = await startServe(dbPath);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  // the server is killed on purpose: its refused connections are expected
  const watch = (page: Page): void => watchProblems(page, problems, /Failed to load resource|ERR_CONNECTION_REFUSED/);

  it('reviews a summary by keyboard only, survives a server crash, and exports the record', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watch(page);
    await chooseProfile(page, server.url, true);
    await expect.poll(() => page.getByRole('progressbar', { name: 'Progress of practice' }).getAttribute('aria-valuenow')).toBe('0');
    await page.keyboard.press('Enter'); // "Start reviewing" has the focus
    await page.getByRole('heading', { name: 'Footbridge closure (local news)' }).waitFor();
    const item = Number(/#\/review\/(\d+)/.exec(page.url())![1]);

    // Blinding in the DOM: no ground-truth flaw text, no validity, no condition name.
    const body = await page.locator('body').innerText();
    for (const secret of ['Funding wrong', 'Duration wrong', 'valid', 'demo-critic', '0.93']) expect(body).not.toContain(secret);

    await page.keyboard.press('a'); // accept critique 1, moves to 2
    await expect.poll(() => card(page, 1).innerText()).toContain('Accepted');
    await page.keyboard.press('r');
    await page.getByRole('group', { name: 'Why reject?' }).waitFor();
    await page.keyboard.press('i'); // incorrect
    await expect.poll(() => card(page, 2).innerText()).toContain('Rejected · Incorrect');
    await page.keyboard.press('k'); // back to 2
    await page.keyboard.press('j'); // on to 3
    await expect.poll(() => card(page, 3).getAttribute('aria-current')).toBe('true');
    await page.keyboard.press('e');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('The shuttle runs only at peak hours.');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => card(page, 3).innerText()).toContain('Accepted · edited');

    // Typing in a field never fires shortcuts: "a", "r", "3" inside the description stay text.
    await page.keyboard.press('f');
    await page.keyboard.type('Says the council pays all of it; a grant pays most (r3).');
    await page.keyboard.press('Tab'); // severity
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown'); // major
    await page.keyboard.press('Tab'); // category
    await page.keyboard.press('ArrowDown'); // accuracy
    await page.keyboard.press('Tab'); // quote
    await page.keyboard.type('paid entirely by the council');
    await page.keyboard.press('Control+Enter');
    await page.getByText('Says the council pays all of it; a grant pays most (r3).').waitFor();
    expect(await card(page, 1).innerText()).toContain('Accepted'); // "a" typed above did not decide anything

    await page.keyboard.press('5');
    await page.keyboard.press('3');
    expect(await page.getByRole('radio', { name: '3' }).isChecked()).toBe(true);
    await page.keyboard.press('Control+z'); // undo: back to 5
    expect(await page.getByRole('radio', { name: '5' }).isChecked()).toBe(true);
    await page.keyboard.press('Control+Shift+Z'); // redo: 3 again
    expect(await page.getByRole('radio', { name: '3' }).isChecked()).toBe(true);

    await waitForEvents(server, item, 8);
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Saved');
    await page.waitForTimeout(1200); // let the active-time clock tick

    // Crash: SIGKILL the server mid-review, restart on the same database.
    await server.stop('SIGKILL');
    server = await startServe(dbPath);
    await chooseProfile(page, server.url, false); // a new port is a new origin: choose the profile again
    await page.goto(`${server.url}#/review/${item}`);
    await page.getByRole('heading', { name: 'Footbridge closure (local news)' }).waitFor();
    await expect.poll(() => card(page, 1).innerText()).toContain('Accepted');
    expect(await card(page, 2).innerText()).toContain('Rejected · Incorrect');
    expect(await card(page, 3).innerText()).toContain('The shuttle runs only at peak hours.');
    expect(await card(page, 4).innerText()).toContain('Undecided');
    expect(await page.getByRole('radio', { name: '3' }).isChecked()).toBe(true);
    await page.getByText('Says the council pays all of it; a grant pays most (r3).').waitFor();
    // Undo history is part of the log too: one undo after the restart goes back to rating 5.
    await page.keyboard.press('Control+z');
    expect(await page.getByRole('radio', { name: '5' }).isChecked()).toBe(true);
    await page.keyboard.press('Control+Shift+Z');
    expect(await page.getByRole('radio', { name: '3' }).isChecked()).toBe(true);

    await page.keyboard.press('Control+Enter'); // submit: critique 4 is undecided, so Assay asks once
    const ask = page.getByRole('alertdialog', { name: 'Submit with undecided critiques?' });
    await ask.waitFor();
    expect(await ask.innerText()).toContain('1 of 4 critiques is not decided yet. Submit anyway?');
    await page.keyboard.press('Enter'); // yes; moves on to the next item
    await page.getByRole('heading', { name: 'The Bakery by the Harbour (book summary)' }).waitFor();
    await page.close();

    const [record, ...rest] = await exportRecords(dbPath);
    expect(rest).toEqual([]);
    expect(record).toMatchObject({
      task: 'demo-footbridge',
      evaluator: 'ana',
      study: '',
      condition: 'practice',
      rating: 3,
      skipped: null,
      decisions: [
        { critique: 'c1', verdict: 'accept' },
        { critique: 'c2', verdict: 'reject', reason: 'incorrect' },
        { critique: 'c3', verdict: 'accept', edited_text: 'The shuttle runs only at peak hours.' },
      ],
      added: [
        {
          id: 'a1',
          description: 'Says the council pays all of it; a grant pays most (r3).',
          anchor: { quote: 'paid entirely by the council' },
          severity: 'major',
          category: 'accuracy',
        },
      ],
    });
    expect(record!.active_seconds).toBeGreaterThan(0);
    expect(Date.parse(record!.submitted_at)).toBeGreaterThanOrEqual(Date.parse(record!.started_at));
    expect(problems).toEqual([]);
  });

  it('reviews a code diff by keyboard only; an action taken while the server is down is saved once it is back', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watch(page);
    await chooseProfile(page, server.url, false);
    const queue = await api<{ items: { id: number; taskId: string }[] }>(server, 'review:queue', { evaluator: 'ana' });
    const item = queue.items.find((q) => q.taskId === 'demo-moving-average')!.id;
    await page.goto(`${server.url}#/review/${item}`);
    await page.getByRole('heading', { name: 'Refactor of stats helpers (code diff)' }).waitFor();
    await page.locator('.monaco-diff-editor').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('.cq-glyph').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(4);

    await expect.poll(() => card(page, 1).getAttribute('aria-current')).toBe('true');
    await page.keyboard.press('a'); // critique 1 accepted, on to 2
    await page.keyboard.press('r');
    await page.keyboard.press('n'); // critique 2: nitpick, on to 3
    await page.keyboard.press('j'); // leave 3 undecided for now; on to 4
    await page.keyboard.press('a');
    await page.keyboard.press('f');
    await page.keyboard.type('Percentile of an empty list now raises a different error');
    await page.keyboard.press('Tab'); // severity
    await page.keyboard.press('Tab'); // category
    await page.keyboard.press('Tab'); // lines
    await page.keyboard.press('Control+A');
    await page.keyboard.type('18-19');
    await page.keyboard.press('Tab'); // side
    await page.keyboard.press('ArrowDown'); // old (base)
    await page.keyboard.press('Control+Enter');
    await page.getByText('Percentile of an empty list now raises a different error').waitFor();
    await page.keyboard.press('2');
    await waitForEvents(server, item, 5);

    // The server dies; the evaluator keeps working: the action waits, marked unsaved.
    const port = new URL(server.url).port;
    await server.stop('SIGKILL');
    await page.keyboard.press('k'); // back to critique 3
    await page.keyboard.press('r');
    await page.keyboard.press('u'); // unclear
    await expect.poll(() => page.getByRole('status').innerText(), { timeout: 15_000 }).toContain('Not saved');
    expect(await card(page, 3).innerText()).toContain('Rejected · Unclear');
    server = await startServe(dbPath, ['--port', port]); // back on the same address
    await expect.poll(() => page.getByRole('status').innerText(), { timeout: 20_000 }).toContain('Saved');
    await waitForEvents(server, item, 6);

    // Reload: everything is there, from the log.
    await page.reload();
    await page.getByRole('heading', { name: 'Refactor of stats helpers (code diff)' }).waitFor();
    await expect.poll(() => card(page, 3).innerText()).toContain('Rejected · Unclear');
    expect(await card(page, 2).innerText()).toContain('Rejected · Nitpick');
    expect(await page.getByRole('radio', { name: '2' }).isChecked()).toBe(true);
    await page.getByText('Percentile of an empty list now raises a different error').waitFor();
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await page.keyboard.press('Control+Enter');
    await expect.poll(async () => (await api<ViewLike>(server, 'review:view', { evaluator: 'ana', item })).review?.status).toBe('submitted');
    await page.close();

    const record = (await exportRecords(dbPath)).find((r) => r.task === 'demo-moving-average')!;
    expect(record.decisions).toEqual([
      { critique: 'c1', verdict: 'accept' },
      { critique: 'c2', verdict: 'reject', reason: 'nitpick' },
      { critique: 'c3', verdict: 'reject', reason: 'unclear' },
      { critique: 'c4', verdict: 'accept' },
    ]);
    expect(record.added).toEqual([
      { id: 'a1', description: 'Percentile of an empty list now raises a different error', anchor: { lines: [18, 19], side: 'base' } },
    ]);
    expect(record.rating).toBe(2);
    expect(record.active_seconds).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('refuses an action from a stale second window and shows the latest state there', async () => {
    const queue = await api<{ items: { id: number; taskId: string }[] }>(server, 'review:queue', { evaluator: 'ana' });
    const item = queue.items.find((q) => q.taskId === 'demo-walking')!.id;
    const a = await browser.newPage();
    const b = await browser.newPage();
    for (const p of [a, b]) {
      await chooseProfile(p, server.url, false);
      await p.goto(`${server.url}#/review/${item}`);
      await p.getByRole('heading', { name: 'Walking after lunch (science news)' }).waitFor();
    }
    await a.keyboard.press('a');
    await waitForEvents(server, item, 1);
    await b.keyboard.press('6'); // b still thinks the log is empty
    await b.getByRole('alert').filter({ hasText: 'changed in another window' }).waitFor();
    await expect.poll(() => card(b, 1).innerText()).toContain('Accepted');
    expect(await b.getByRole('radio', { name: '6' }).isChecked()).toBe(false);
    await a.close();
    await b.close();
  });
});
