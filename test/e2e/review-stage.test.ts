import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openDatabase } from '../../electron/backend/db/open.js';
import { createEvaluator, ensurePracticeQueue, getQueue } from '../../electron/backend/reviews/repository.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import { useBrowserMode } from '../helpers/browser-mode.js';

// The next code item's editor is prepared while the evaluator works on the current one, hidden
// beneath the page where it will appear (code-view.tsx, the stage): it must be out of sight, out of
// reach of the mouse and the keyboard, and shown where it was prepared.

const code = (id: string, marker: string) => ({
  id,
  kind: 'code',
  title: `Code ${id}`,
  language: 'python',
  base: Array.from({ length: 80 }, (_, i) => `x_${i} = ${i}`).join('\n'),
  output: Array.from({ length: 80 }, (_, i) => `x_${i} = ${i % 7 === 0 ? i + 1 : i}  # ${marker}`).join('\n'),
  critiques: [{ id: 'c1', text: `${marker} first`, anchor: { lines: [3, 4] } }],
});

interface Box {
  readonly id: string;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** The hidden editors: id, place, whether the point at their centre hits them, and their focusable elements. */
async function hiddenEditors(page: Page): Promise<(Box & { readonly hit: boolean; readonly text: string; readonly tabbable: number })[]> {
  return page.evaluate(`[...document.querySelectorAll('.code-view-editor.staged:not(.on-stage)')].map((n) => {
    const r = n.getBoundingClientRect();
    const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    const tabbable = [...n.querySelectorAll('textarea, [tabindex], [contenteditable="true"]')].filter((e) => e.tabIndex >= 0).length;
    return { id: n.id, left: r.left, top: r.top, width: r.width, height: r.height, hit: at !== null && n.contains(at), text: n.textContent ?? '', tabbable };
  })`);
}

/**
 * True when the hidden editors leave no pixel on screen: the region they occupy looks the same with
 * them taken out of the page.
 */
async function unseen(page: Page): Promise<boolean> {
  const boxes = await hiddenEditors(page);
  if (boxes.length === 0) return true;
  const view = page.viewportSize()!;
  const x = Math.max(0, Math.min(...boxes.map((b) => b.left)));
  const y = Math.max(60, Math.min(...boxes.map((b) => b.top))); // below the header (its clock ticks)
  const right = Math.min(view.width, Math.max(...boxes.map((b) => b.left + b.width)));
  const bottom = Math.min(view.height, Math.max(...boxes.map((b) => b.top + b.height)));
  const clip = { x, y, width: right - x, height: bottom - y };
  const before = await page.screenshot({ clip });
  await page.evaluate("document.querySelectorAll('.code-view-editor.staged:not(.on-stage)').forEach((n) => { n.style.display = 'none'; })");
  const after = await page.screenshot({ clip });
  await page.evaluate("document.querySelectorAll('.code-view-editor.staged:not(.on-stage)').forEach((n) => { n.style.display = ''; })");
  return before.equals(after);
}

async function shownEditor(page: Page): Promise<Box> {
  return page.evaluate(`(() => {
    const n = document.querySelector('.code-view-editor.on-stage');
    const r = n.getBoundingClientRect();
    return { id: n.id, left: r.left, top: r.top, width: r.width, height: r.height };
  })()`);
}

describe('the code editors held ready (Chromium)', () => {
  let ids: Record<string, number> = {};
  const problems: string[] = [];
  const env = useBrowserMode((dbPath) => {
    const db = openDatabase(dbPath);
    // one run of four items for each colour scheme
    importTasks(
      db,
      (['light', 'dark'] as const).flatMap((s) => [
        code(`${s}-k1`, `${s}_alpha`),
        code(`${s}-k2`, `${s}_beta`),
        { id: `${s}-s1`, kind: 'summary', title: `Summary ${s}`, output: 'The vote passed.', context: { document: 'Doc.' } },
        code(`${s}-k3`, `${s}_gamma`),
      ]).concat([{ ...code('long', 'many'), title: 'Many critiques', critiques: Array.from({ length: 40 }, (_, i) => ({ id: `c${i + 1}`, text: `Critique number ${i + 1}.`, anchor: { lines: [i + 1, i + 1] } })) }]),
    );
    createEvaluator(db, 'Sam');
    ensurePracticeQueue(db, 'sam');
    ids = Object.fromEntries(getQueue(db, 'sam').map((q) => [q.taskId, q.id]));
    db.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`${scheme}: the next item's editor waits unseen and unreachable where it will appear, and is shown there; Back returns to the item before`, async () => {
      const page = await env.browser.newPage({ viewport: { width: 1300, height: 850 }, colorScheme: scheme });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(env.server.url);
      await page.evaluate("localStorage.setItem('assay.evaluator', 'sam')");
      await page.goto(`${env.server.url}#/review/${ids[`${scheme}-k1`]}`);
      await page.reload();
      await page.getByRole('heading', { name: `Code ${scheme}-k1` }).waitFor();
      await expect.poll(() => page.locator('.code-view-editor.on-stage .cq-glyph').count(), { timeout: 15_000 }).toBeGreaterThan(0);

      // k2's editor is prepared in idle time, beneath the page
      await expect.poll(async () => (await hiddenEditors(page)).filter((e) => e.text.includes(`${scheme}_beta`)).length, { timeout: 15_000 }).toBe(1);
      const shown = await shownEditor(page);
      const hidden = await hiddenEditors(page);
      const next = hidden.find((e) => e.text.includes(`${scheme}_beta`))!;
      for (const e of hidden) {
        expect(e.hit, `${e.id} is reached by the mouse`).toBe(false);
        expect(e.tabbable, `${e.id} has focusable elements`).toBe(0);
      }
      // where the shown one is (same layout), so that showing it moves nothing
      expect(Math.abs(next.left - shown.left)).toBeLessThan(1);
      expect(Math.abs(next.top - shown.top)).toBeLessThan(1);
      expect(Math.abs(next.width - shown.width)).toBeLessThan(1);
      expect(Math.abs(next.height - shown.height)).toBeLessThan(1);
      // a click in the middle of the code pane lands on the shown editor, not the one beneath
      expect(await page.evaluate(`document.elementFromPoint(${shown.left + shown.width / 2}, ${shown.top + shown.height / 2})?.closest('.code-view-editor')?.id`)).toBe(shown.id);
      // the keyboard never reaches a hidden editor
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        expect(await page.evaluate("document.activeElement?.closest('.code-view-editor:not(.on-stage)')?.id ?? null")).toBeNull();
      }
      await page.locator('body').click({ position: { x: 5, y: 5 } });

      // submit k1: k2 opens in the prepared editor, where it was prepared
      await page.keyboard.press('a');
      await page.keyboard.press('4');
      await page.keyboard.press('Control+Enter');
      await page.getByRole('heading', { name: `Code ${scheme}-k2` }).waitFor();
      await expect.poll(() => page.locator('.code-view-editor.on-stage .view-line').filter({ hasText: `${scheme}_beta` }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
      const now = await shownEditor(page);
      expect(now.id).toBe(next.id);
      expect(Math.abs(now.left - next.left) + Math.abs(now.top - next.top)).toBeLessThan(1);
      // k1's editor went beneath the page: out of reach
      await expect.poll(async () => (await hiddenEditors(page)).filter((e) => e.id === shown.id && !e.hit && e.tabbable === 0).length).toBe(1);

      // Back (the next item was a history entry): k1 again, read-only now
      await page.goBack();
      await page.getByRole('heading', { name: `Code ${scheme}-k1` }).waitFor();
      await expect.poll(() => page.locator('.code-view-editor.on-stage .view-line').filter({ hasText: `${scheme}_alpha` }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
      await page.goForward();
      await page.getByRole('heading', { name: `Code ${scheme}-k2` }).waitFor();

      // on a summary and on the queue, the editors held ready stay unseen: nothing of them on screen
      await page.goto(`${env.server.url}#/review/${ids[`${scheme}-s1`]}`);
      await page.getByRole('heading', { name: `Summary ${scheme}` }).waitFor();
      await expect.poll(async () => (await hiddenEditors(page)).some((e) => e.text.includes(`${scheme}_gamma`)), { timeout: 15_000 }).toBe(true);
      for (const e of await hiddenEditors(page)) expect(e.hit, `${e.id} is reached by the mouse on a summary`).toBe(false);
      expect(await unseen(page)).toBe(true);
      expect(await page.locator('.code-view-editor.on-stage').count()).toBe(0);
      await page.getByRole('button', { name: '← Queue' }).click();
      await page.getByRole('heading', { name: 'Your queue' }).waitFor();
      for (const e of await hiddenEditors(page)) expect(e.hit, `${e.id} is reached by the mouse on the queue`).toBe(false);
      expect(await unseen(page)).toBe(true);
      expect(problems).toEqual([]);
      await page.close();
    });
  }

  it('critique cards below the fold are skipped (not laid out or painted) until scrolled to', async () => {
    const page = await env.browser.newPage({ viewport: { width: 1300, height: 850 } });
    await page.goto(env.server.url);
    await page.evaluate("localStorage.setItem('assay.evaluator', 'sam')");
    await page.goto(`${env.server.url}#/review/${ids['long']}`);
    await page.reload();
    await page.getByRole('heading', { name: 'Many critiques' }).waitFor();
    const rendered = (n: number): Promise<boolean> =>
      page.evaluate(`document.querySelector('[aria-label="Critique ${n}"] .cq-text').checkVisibility({ contentVisibilityAuto: true })`);
    await page.getByText('Critique number 1.', { exact: true }).waitFor();
    expect(await rendered(1)).toBe(true);
    expect(await rendered(40)).toBe(false);
    // its text is still there for find-in-page and assistive technology
    expect(await page.getByRole('listitem', { name: 'Critique 40' }).textContent()).toContain('Critique number 40.');
    // selecting it by keyboard (j, 39 times) brings it into view, rendered
    for (let i = 0; i < 39; i++) await page.keyboard.press('j');
    await expect.poll(() => page.getByRole('listitem', { name: 'Critique 40' }).getAttribute('aria-current')).toBe('true');
    await expect.poll(() => rendered(40)).toBe(true);
    await page.close();
  });
});
