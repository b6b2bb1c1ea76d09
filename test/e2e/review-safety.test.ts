import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openDatabase } from '../../electron/backend/db/open.js';
import { createEvaluator, ensurePracticeQueue, getQueue } from '../../electron/backend/reviews/repository.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import { launchChromium } from '../helpers/chromium.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDbPath } from '../helpers/temp.js';

// Model text is untrusted (XSS), and the evaluator never sees what the protocol hides (blinding).

const script = '<script>window.__pwned = "script"</script>';
const img = '<img src=x onerror="window.__pwned = \'img\'">';
const link = '[click me](javascript:window.__pwned="link")';
const payload = `${script} ${img} ${link} javascript:window.__pwned=1`;

const tasks = [
  {
    id: 'xss-summary',
    kind: 'summary',
    title: `Hostile ${img}`,
    output: `The output ${payload} ends here.`,
    context: {
      query: `Query ${script}`,
      document: `Document start ${img} middle ${script} end.`,
      sections: [{ title: `Section ${img}`, summary: `Summary ${script}` }],
    },
    critiques: [
      {
        id: 'c1',
        text: `Critique ${payload}`,
        anchor: { quote: img },
        category: `cat ${img}`,
        evidence: [{ anchor: { quote: script }, note: `note ${img}` }],
      },
    ],
  },
  {
    id: 'xss-code',
    kind: 'code',
    title: 'Hostile code',
    language: 'html',
    base: `<p>old</p>\n${script}\n`,
    output: `<p>new</p>\n${img}\n${script}\n`,
    critiques: [{ id: 'c1', text: `Hover ${link} ${img} **bold** <b>b</b>`, anchor: { lines: [2, 2] } }],
  },
  {
    id: 'blind',
    kind: 'summary',
    title: 'Unassisted item',
    output: 'A plain output.',
    critiques: [{ id: 'c1', text: 'HIDDEN-CRITIQUE-TEXT', score: 0.77, valid: false, model: 'HIDDEN-MODEL' }],
    flaws: [{ id: 'f1', description: 'HIDDEN-GROUND-TRUTH' }],
  },
];

describe('review safety (Chromium)', () => {
  let browser: Browser;
  let server: ServerProcess;
  let items: Record<string, number>;

  beforeAll(async () => {
    const dbPath = tempDbPath();
    const db = openDatabase(dbPath);
    importTasks(db, tasks);
    createEvaluator(db, 'Eve');
    ensurePracticeQueue(db, 'eve');
    items = Object.fromEntries(getQueue(db, 'eve').map((q) => [q.taskId, q.id]));
    db.prepare(`UPDATE queue_items SET policy = 'none', condition = 'HIDDEN-CONDITION', label = 'Set B' WHERE task_id = 'blind'`).run();
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
    await page.evaluate(() => localStorage.setItem('assay.evaluator', 'eve'));
    await page.goto(`${server.url}#/review/${item}`);
    await page.reload(); // the app reads the chosen profile at start
    await page.locator('[data-review-ready]').waitFor();
  }

  it('renders script, onerror and javascript: payloads as inert text in a summary task', async () => {
    const page = await browser.newPage();
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await open(page, items['xss-summary']!);
    await page.keyboard.press('j');
    await page.getByRole('button', { name: 'Accept' }).waitFor();
    await page.locator('mark.cq').first().click();
    await page.keyboard.press('e'); // the editor shows the text in a textarea
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(dialogs).toBe(0);
    expect(await page.locator('.workspace img, .workspace script, .workspace a[href^="javascript"]').count()).toBe(0);
    const text = await page.locator('.workspace').innerText();
    expect(text).toContain('<img src=x onerror=');
    expect(text).toContain('<script>window.__pwned');
    expect(text).toContain('[click me](javascript:');
    await page.close();
  });

  it('keeps Monaco hovers and code inert in a code task', async () => {
    const page = await browser.newPage();
    let dialogs = 0;
    page.on('dialog', () => dialogs++);
    await open(page, items['xss-code']!);
    await page.locator('.cq-glyph').first().waitFor({ timeout: 30_000 });
    // Hover the critique's line in the new file: Monaco shows the critique as a hover.
    const line = page.locator('.editor.modified .view-line').filter({ hasText: 'onerror' }).first();
    const hover = page.locator('.monaco-hover:visible').filter({ hasText: 'Hover' });
    // Under load Monaco can miss one hover: move away and back until it shows.
    await expect
      .poll(
        async () => {
          await page.mouse.move(5, 5);
          await line.hover({ position: { x: 30, y: 5 } });
          await page.waitForTimeout(400);
          return hover.count();
        },
        { timeout: 30_000, interval: 100 },
      )
      .toBeGreaterThan(0);
    const hoverText = await hover.first().innerText();
    expect(hoverText).toContain('[click me](javascript:');
    expect(hoverText).toContain('**bold** <b>b</b>');
    expect(await hover.locator('a, b, strong, img').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(dialogs).toBe(0);
    expect(await page.locator('.monaco-editor img').count()).toBe(0);
    await page.close();
  });

  it('sends and shows no critiques, flaws, scores, models or condition names in an unassisted item', async () => {
    const page = await browser.newPage();
    const bodies: string[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/')) void r.text().then((t) => bodies.push(t), () => undefined);
    });
    await open(page, items['blind']!);
    await page.getByRole('heading', { name: 'Unassisted item' }).waitFor();
    await page.getByRole('region', { name: 'Your review' }).waitFor();
    expect(await page.getByRole('heading', { name: /Critiques/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Accept' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Add flaw' }).waitFor();
    await page.getByRole('radiogroup', { name: 'Rating' }).waitFor();
    const dom = await page.content();
    await page.goto(`${server.url}#/review`);
    await page.getByRole('heading', { name: 'Your queue' }).waitFor();
    const queueDom = await page.content();
    await page.waitForTimeout(200);
    const all = [dom, queueDom, ...bodies].join('\n');
    for (const secret of ['HIDDEN-CRITIQUE-TEXT', 'HIDDEN-GROUND-TRUTH', 'HIDDEN-MODEL', 'HIDDEN-CONDITION', '0.77', '"valid"']) {
      expect(all, secret).not.toContain(secret);
    }
    expect(queueDom).toContain('Set B');
    await page.close();
  });
});
