import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { openDatabase } from '../../electron/backend/db/open.js';
import { createEvaluator, ensurePracticeQueue, getQueue } from '../../electron/backend/reviews/repository.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import { launchChromium } from '../helpers/chromium.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDbPath } from '../helpers/temp.js';
import { useBrowserMode } from '../helpers/browser-mode.js';

// Item after item: the next item is prefetched (code: rendered off screen) and shown on submit.

const code = (id: string, base: string | undefined, marker: string) => ({
  id,
  kind: 'code',
  title: `Code ${id}`,
  language: 'python',
  ...(base !== undefined ? { base } : {}),
  output: Array.from({ length: 60 }, (_, i) => `x_${i} = ${i}  # ${marker}`).join('\n'),
  critiques: [
    { id: 'c1', text: `${marker} first`, anchor: { lines: [3, 4] } },
    { id: 'c2', text: `${marker} second`, anchor: { lines: [40, 40] } },
  ],
});

describe('review flow (Chromium)', () => {
  let browser: Browser;
  let server: ServerProcess;
  const problems: string[] = [];

  beforeAll(async () => {
    const dbPath = tempDbPath();
    const db = openDatabase(dbPath);
    importTasks(db, [
      code('k1', Array.from({ length: 60 }, (_, i) => `x_${i} = ${i}`).join('\n'), 'alpha'),
      code('k2', Array.from({ length: 60 }, (_, i) => `x_${i} = ${i + 1}`).join('\n'), 'beta'),
      code('k3', undefined, 'gamma'),
      { id: 's1', kind: 'summary', title: 'Last summary', output: 'Done.', context: { document: 'Doc.' } },
      // mostly unchanged, so the diff stays small
      { ...code('m1', undefined, 'mouse'), base: Array.from({ length: 60 }, (_, i) => (i === 30 ? 'changed = 1' : `x_${i} = ${i}  # mouse`)).join('\n') },
      { id: 's2', kind: 'summary', title: 'Mouse summary', output: 'The vote was on Monday, and the vote passed.', critiques: [{ id: 'c1', text: 'Which vote?', anchor: { quote: 'the vote passed' } }] },
    ]);
    createEvaluator(db, 'Flo');
    ensurePracticeQueue(db, 'flo');
    expect(getQueue(db, 'flo')).toHaveLength(6);
    db.close();
    server = await startServe(dbPath);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('submits item after item by keyboard; each next code item shows its own code and critiques', async () => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 850 } });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Flo' }).click();
    await page.getByRole('heading', { name: 'Your queue' }).waitFor();
    await page.keyboard.press('Enter');
    for (const [id, marker] of [
      ['k1', 'alpha'],
      ['k2', 'beta'],
      ['k3', 'gamma'],
    ] as const) {
      await page.getByRole('heading', { name: `Code ${id}` }).waitFor();
      await expect.poll(() => page.locator('.code-view-editor.on-stage .view-line').filter({ hasText: marker }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
      expect(await page.locator('.code-view-editor.on-stage .view-line').filter({ hasText: /alpha|beta|gamma/ }).filter({ hasNotText: marker }).count()).toBe(0);
      await expect.poll(() => page.locator('.code-view-editor.on-stage .cq-glyph').count()).toBeGreaterThan(0);
      await page.getByText(`${marker} first`).waitFor();
      await page.waitForTimeout(1500); // time for the next item's prefetch and off-screen render
      await page.keyboard.press('a');
      await page.keyboard.press('4');
      await page.keyboard.press('Control+Enter');
      // the second critique is left undecided: asked once, answered by the keyboard
      await page.getByRole('alertdialog', { name: 'Submit with undecided critiques?' }).waitFor();
      await page.keyboard.press('y');
    }
    await page.getByRole('heading', { name: 'Last summary' }).waitFor();
    const queue = (await (await fetch(`${server.url}api/review:queue`, { method: 'POST', body: '{"evaluator":"flo"}' })).json()) as {
      value: { items: { taskId: string; status: string }[] };
    };
    expect(queue.value.items.map((q) => q.status)).toEqual(['submitted', 'submitted', 'submitted', 'open', 'new', 'new']);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('by mouse: a glyph selects its critique, selected lines anchor a flaw, selected output text anchors a flaw', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Flo' }).click();
    const queue = (await (await fetch(`${server.url}api/review:queue`, { method: 'POST', body: '{"evaluator":"flo"}' })).json()) as {
      value: { items: { id: number; taskId: string }[] };
    };
    const id = (task: string): number => queue.value.items.find((q) => q.taskId === task)!.id;

    await page.goto(`${server.url}#/review/${id('m1')}`);
    await page.getByRole('heading', { name: 'Code m1' }).waitFor();
    await expect.poll(() => page.locator('.code-view-editor.on-stage .cq-glyph').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await page.locator('.code-view-editor.on-stage .cq-glyph').last().click();
    await expect.poll(() => page.getByRole('listitem', { name: 'Critique 2' }).getAttribute('aria-current')).toBe('true');
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.getByRole('button', { name: 'Duplicate' }).click();

    // Drag over lines 36–38 of the new side, then "Add flaw": the lines are filled in.
    const modified = page.locator('.code-view-editor.on-stage .editor.modified');
    const lineBox = async (n: number): Promise<{ x: number; y: number }> => {
      const box = (await modified.locator('.line-numbers').filter({ hasText: new RegExp(`^${n}$`), visible: true }).first().boundingBox())!;
      return { x: box.x + box.width + 30, y: box.y + box.height / 2 }; // in the code, right of the number
    };
    // the editor scrolls critique 2 into view: measure once it has stopped moving (a busy machine
    // can still be scrolling when the glyph's click has been handled)
    let from = await lineBox(36); // near critique 2 (line 40), which is in view now
    for (let settled = 0; settled < 3; ) {
      await page.waitForTimeout(150);
      const again = await lineBox(36);
      settled = again.y === from.y ? settled + 1 : 0;
      from = again;
    }
    const to = await lineBox(38);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x + 40, to.y, { steps: 5 });
    await page.mouse.up();
    await page.getByText('Selected lines 36–38').waitFor();
    await page.getByRole('button', { name: 'Add flaw' }).click();
    expect(await page.getByLabel(/^Lines/).inputValue()).toBe('36-38');
    await page.getByLabel('Description').fill('Dead assignments');
    await page.getByRole('button', { name: 'Save flaw' }).click();
    await page.getByText('Dead assignments').waitFor();
    await page.getByRole('radio', { name: '6' }).check();
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByRole('button', { name: /Submit anyway/ }).click(); // critique 1 is undecided

    // On to the summary: select text in the output, then "Add flaw": the quote is filled in.
    await page.getByRole('heading', { name: 'Mouse summary' }).waitFor();
    const output = page.getByRole('region', { name: 'Output' }).last();
    await output.getByText('Monday', { exact: false }).first().waitFor();
    await page.evaluate(`(() => {
      const region = [...document.querySelectorAll('[aria-label="Output"]')].pop();
      const node = [...region.querySelectorAll('[data-start]')].find((n) => n.textContent.includes('Monday')).firstChild;
      const at = node.textContent.indexOf('Monday');
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + 'Monday'.length);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    })()`);
    await page.getByRole('button', { name: 'Add flaw' }).click();
    expect(await page.getByLabel(/^Quote from the output/).inputValue()).toBe('Monday');
    await page.getByLabel('Description').fill('It was Tuesday');
    await page.getByRole('button', { name: 'Save flaw' }).click();
    await page.locator('mark.own').filter({ hasText: 'Monday' }).waitFor();
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Saved');
    const view = (await (await fetch(`${server.url}api/review:view`, { method: 'POST', body: JSON.stringify({ evaluator: 'flo', item: id('s2') }) })).json()) as {
      value: { review: { events: { event: { type: string; flaw?: unknown } }[] } };
    };
    expect(view.value.review.events.map((e) => e.event)).toEqual([{ type: 'flaw-added', flaw: { id: 'a1', description: 'It was Tuesday', anchor: { quote: 'Monday' } } }]);
    const m1 = (await (await fetch(`${server.url}api/review:view`, { method: 'POST', body: JSON.stringify({ evaluator: 'flo', item: id('m1') }) })).json()) as {
      value: { review: { status: string; events: { event: { type: string; flaw?: unknown; reason?: string } }[] } };
    };
    expect(m1.value.review.status).toBe('submitted');
    expect(m1.value.review.events.map((e) => e.event)).toContainEqual({ type: 'flaw-added', flaw: { id: 'a1', description: 'Dead assignments', anchor: { lines: [36, 38] } } });
    // the review API speaks neutral ids (k2 is the second critique shown); the log stores c2
    expect(m1.value.review.events.map((e) => e.event)).toContainEqual({ type: 'decision-recorded', critique: 'k2', verdict: 'reject', reason: 'duplicate' });
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('first start (Chromium)', () => {
  const env = useBrowserMode();

  it('after "Load demo tasks" the app goes to the Review place: profile, then the practice queue', async () => {
    const page = await env.browser.newPage();
    await page.goto(env.server.url);
    await page.getByRole('button', { name: 'Load demo tasks' }).click();
    await page.getByRole('heading', { name: 'Who is reviewing?' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Review' }).getAttribute('aria-current')).toBe('page');
    await page.getByRole('textbox').fill('New Person');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Your queue' }).waitFor();
    expect(await page.getByRole('row').count()).toBe(1 + 4); // header + the four demo tasks
    await page.close();
  });
});
