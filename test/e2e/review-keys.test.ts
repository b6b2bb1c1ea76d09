import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openDatabase } from '../../electron/backend/db/open.js';
import { loadDemo } from '../../electron/backend/demo.js';
import { createEvaluator, ensurePracticeQueue, getQueue } from '../../electron/backend/reviews/repository.js';
import { confirmKeys, formKeys, keySections, keysLabel, keysOf, rejectReasonKeys, workspaceKeys, type WorkspaceAction } from '../../renderer/src/screens/review/keymap.js';
import { launchChromium } from '../helpers/chromium.js';
import { watchProblems } from '../helpers/page.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDbPath } from '../helpers/temp.js';

// One key table drives the workspace (renderer/src/screens/review/keymap.ts): every key in it fires
// its action in Chromium, the sheet lists every row, and the buttons' aria-keyshortcuts come from it.
// Also: `e` puts the caret at the end of the critique, and the panes keep their minimum widths.

describe('the review workspace’s keys (Chromium)', () => {
  let browser: Browser;
  let server: ServerProcess;
  let summary: number;
  let code: number;
  const problems: string[] = [];

  beforeAll(async () => {
    const dbPath = tempDbPath();
    const db = openDatabase(dbPath);
    loadDemo(db);
    createEvaluator(db, 'Kim');
    ensurePracticeQueue(db, 'kim');
    const queue = getQueue(db, 'kim');
    summary = queue.find((q) => q.taskId === 'demo-footbridge')!.id;
    code = queue.find((q) => q.taskId === 'demo-moving-average')!.id;
    db.close();
    server = await startServe(dbPath);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function open(page: Page, item: number): Promise<void> {
    await page.goto(server.url);
    await page.evaluate(() => localStorage.setItem('assay.evaluator', 'kim'));
    await page.goto(`${server.url}#/review/${item}`);
    await page.reload();
    await page.locator('[data-review-ready]').waitFor();
  }

  const lastAction = (page: Page): Promise<string | null> => page.locator('.workspace').getAttribute('data-last-action');

  it('every key of the table fires its action; the sheet lists every row; the buttons take their keys from it', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchProblems(page, problems);
    await open(page, summary);

    // Every key of every row, in table order ('queue' last: it leaves the item).
    const rows = [...workspaceKeys.filter((b) => b.action !== 'queue'), workspaceKeys.find((b) => b.action === 'queue')!];
    let fired = 0;
    for (const b of rows) {
      for (const key of b.keys) {
        // a different action first, so that the same action twice in a row is seen too
        await page.keyboard.press(b.action === 'prev-critique' ? 'j' : 'k');
        await expect.poll(() => lastAction(page)).toBe(b.action === 'prev-critique' ? 'next-critique' : 'prev-critique');
        await page.keyboard.press(key);
        if (b.action === 'queue') await page.getByRole('heading', { name: 'Your queue' }).waitFor(); // it left the item
        else await expect.poll(() => lastAction(page), { message: `${key} → ${b.action}` }).toBe(b.action);
        fired++;
        // close whatever the action opened (a form, the sheet, the question), with the table's keys
        if (await page.getByRole('alertdialog').count()) await page.keyboard.press('n');
        while (await page.locator('.inline-form, .reason-picker, [role=dialog]').count()) await page.keyboard.press('Escape');
        if (b.action === 'queue') await open(page, summary);
      }
    }
    expect(fired).toBe(workspaceKeys.reduce((n, b) => n + b.keys.length, 0));

    // What the keys did shows: ratings, a decision, an undo/redo, the reason picker's keys.
    await page.keyboard.press('7');
    await expect.poll(() => page.getByRole('radio', { name: '7' }).isChecked()).toBe(true);
    await page.keyboard.press('r');
    await page.getByRole('group', { name: 'Why reject?' }).waitFor();
    // ("No reason" is offered only where the study makes the reason optional: test/e2e/review-settings.test.ts)
    for (const reason of rejectReasonKeys.filter((r) => r.action !== 'none')) expect(await page.getByRole('button', { name: reason.text }).getAttribute('aria-keyshortcuts')).toBe(reason.keys.join(' '));
    expect(await page.getByRole('button', { name: 'No reason' }).count()).toBe(0);
    await page.keyboard.press(rejectReasonKeys.find((r) => r.action === 'unclear')!.keys[0]!);
    await page.getByText('Rejected · Unclear').first().waitFor();

    // The sheet: every row of every section, with its keys and its words.
    await page.keyboard.press('?');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await sheet.waitFor();
    for (const section of keySections) {
      const region = sheet.getByRole('region', { name: section.title });
      for (const b of section.keys) {
        const row = region.locator(`li[data-action="${b.action}"]`);
        expect(await row.locator('kbd').allInnerTexts(), `${section.title}: ${b.action}`).toEqual(keysLabel(b));
        expect(await row.innerText()).toContain(b.text);
      }
      expect(await region.locator('li').count()).toBe(section.keys.length);
    }
    await page.keyboard.press('?'); // the same key closes it
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);

    // aria-keyshortcuts: the buttons say the table's keys, and no element says a key the table does not have.
    const named: [string, WorkspaceAction][] = [
      ['← Queue', 'queue'],
      ['Undo', 'undo'],
      ['Redo', 'redo'],
      ['Shortcuts', 'help'],
      ['Skip', 'skip'],
      ['Accept', 'accept'],
      ['Reject', 'reject'],
      ['Edit', 'edit'],
      ['Add flaw', 'add-flaw'],
      ['Submit', 'submit'],
      ['Ask the critic', 'ask-critic'],
    ];
    for (const [name, action] of named) expect(await page.getByRole('button', { name, exact: true }).getAttribute('aria-keyshortcuts'), name).toBe(keysOf(action));
    expect(await page.getByRole('radiogroup', { name: 'Rating' }).getAttribute('aria-keyshortcuts')).toBe(keysOf('rate'));
    const all = new Set([workspaceKeys, rejectReasonKeys, formKeys, confirmKeys].flatMap((t) => t.map((b: { keys: readonly string[] }) => b.keys.join(' '))));
    for (const value of await page.locator('[aria-keyshortcuts]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-keyshortcuts')))) expect(all).toContain(value);

    // The submit question is answered by the table's keys: n goes back to the first undecided critique.
    await page.keyboard.press('Control+Enter');
    const ask = page.getByRole('alertdialog', { name: 'Submit with undecided critiques?' });
    await ask.waitFor();
    expect(await ask.getByRole('button', { name: /Submit anyway/ }).getAttribute('aria-keyshortcuts')).toBe('y Enter');
    await page.keyboard.press('n');
    await expect.poll(() => ask.count()).toBe(0);
    const undecided = page.locator('.cq-card[aria-current="true"]');
    expect(await undecided.innerText()).toContain('Undecided');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('e opens the critique editor with the caret at the end of the text', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchProblems(page, problems);
    await open(page, code);
    await page.getByRole('listitem', { name: 'Critique 1' }).waitFor();
    await page.keyboard.press('e');
    const editor = page.getByRole('textbox', { name: /Critique text/ });
    await editor.waitFor();
    const caret = await editor.evaluate((el: HTMLTextAreaElement) => ({ start: el.selectionStart, end: el.selectionEnd, length: el.value.length, focused: document.activeElement === el }));
    expect(caret.length).toBeGreaterThan(20);
    expect(caret).toEqual({ start: caret.length, end: caret.length, length: caret.length, focused: true });
    await page.keyboard.type(' Also for window = 1.');
    expect(await editor.inputValue()).toMatch(/ is wrong\. Also for window = 1\.$/);
    await page.keyboard.press('Escape');
    expect(problems).toEqual([]);
    await page.close();
  });

  for (const [width, height] of [
    [1024, 700],
    [1920, 1080],
  ] as const) {
    it(`at ${width}×${height}, widening the code pane as far as it goes leaves the critique panel its minimum width, Edit in view`, async () => {
      const page = await browser.newPage({ viewport: { width, height } });
      watchProblems(page, problems);
      await page.addInitScript(() => localStorage.removeItem('assay.review.panes.code'));
      await open(page, code);
      await page.locator('.cq-glyph').first().waitFor({ timeout: 30_000 });
      const handle = page.getByRole('separator', { name: 'Resize Code and Critiques' });
      const box = (await handle.boundingBox())!;
      await page.mouse.move(box.x + 2, box.y + 200);
      await page.mouse.down();
      await page.mouse.move(width - 5, box.y + 200, { steps: 8 });
      await page.mouse.up();
      // and the context pane as narrow as it goes
      const left = (await page.getByRole('separator', { name: 'Resize Context and Code' }).boundingBox())!;
      await page.mouse.move(left.x + 2, left.y + 200);
      await page.mouse.down();
      await page.mouse.move(5, left.y + 200, { steps: 8 });
      await page.mouse.up();
      const panel = (await page.getByRole('region', { name: 'Critiques', exact: true }).boundingBox())!;
      const context = (await page.getByRole('region', { name: 'Context', exact: true }).boundingBox())!;
      expect(panel.width).toBeGreaterThanOrEqual(299);
      expect(context.width).toBeGreaterThanOrEqual(179);
      expect(panel.x + panel.width).toBeLessThanOrEqual(width + 0.5);
      for (const name of ['Accept', 'Reject', 'Edit', 'Submit']) {
        const b = (await page.getByRole('button', { name, exact: true }).boundingBox())!;
        expect(b.x + b.width, name).toBeLessThanOrEqual(panel.x + panel.width);
      }
      // the critique's text wraps inside the panel instead of running out of it
      const overflow = await page.locator('.ws-panel').evaluate((el) => el.scrollWidth - el.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      // the keyboard too: ← on a focused handle stops at the minimum
      await page.getByRole('separator', { name: 'Resize Code and Critiques' }).focus();
      for (let i = 0; i < 30; i++) await page.keyboard.press('ArrowRight');
      expect((await page.getByRole('region', { name: 'Critiques', exact: true }).boundingBox())!.width).toBeGreaterThanOrEqual(299);
      expect(problems).toEqual([]);
      await page.close();
    });
  }
});
