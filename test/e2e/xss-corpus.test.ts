// The XSS corpus across every screen: model text (outputs, critiques, documents, titles, meta,
// sections) full of script tags, event handlers, javascript: links, SVG and CSS tricks is shown as
// text everywhere — the task list and the task preview, the queue, both review workspaces, the study matrix and analysis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openDatabase } from '../../electron/backend/db/open.js';
import { createStudy } from '../../electron/backend/studies/repository.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import { launchChromium } from '../helpers/chromium.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { tempDbPath } from '../helpers/temp.js';

const corpus = [
  '<script>window.__pwned = "script"</script>',
  '<img src=x onerror="window.__pwned = \'img\'">',
  '"><img src=x onerror=window.__pwned="attr-break">',
  '<svg onload="window.__pwned = \'svg\'"><circle r=1 /></svg>',
  '<svg><script>window.__pwned = "svg-script"</script></svg>',
  '<a href="javascript:window.__pwned=\'link\'">click me</a>',
  '[md link](javascript:window.__pwned="md")',
  '<iframe src="javascript:window.__pwned=\'iframe\'"></iframe>',
  '<style>body { background: url("javascript:window.__pwned=\'css\'") } main { display: none }</style>',
  '<div style="position:fixed;inset:0;z-index:99999;background:red" id="overlay">overlay</div>',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned=\'mxss\'">',
  '{{constructor.constructor("window.__pwned=\'template\'")()}}',
  '${window.__pwned="template-literal"}',
  '<details open ontoggle="window.__pwned=\'toggle\'">',
  '<object data="javascript:window.__pwned=\'object\'"></object>',
];
const all = corpus.join(' \n');

function task(i: number, kind: 'summary' | 'code') {
  const p = corpus[i % corpus.length]!;
  return {
    id: `xss-${i}`,
    kind,
    title: `T${i} ${p}`,
    output: kind === 'code' ? `line one\n${all}\nlast line` : `Output ${i}: ${all} end.`,
    ...(kind === 'code' ? { base: `line one\n${p}\nlast line`, language: 'html' } : {}),
    context: { query: `Q ${p}`, document: `Doc ${all}`, problem: `P ${p}`, sections: [{ title: `S ${p}`, summary: `Sum ${p}`, text: `Text ${p}` }] },
    critiques: [
      { id: 'c1', text: `C ${all}`, category: `cat ${p}`, severity: 'major', anchor: kind === 'code' ? { lines: [2, 2] } : { quote: `Output ${i}` } },
      { id: 'c2', text: `Second ${p}`, evidence: [{ anchor: { quote: `Doc` }, note: `note ${p}` }] },
    ],
    flaws: [{ id: 'f1', description: `F ${all}`, critiques: ['c1'], category: `fc ${p}` }],
    meta: { note: all, nested: { html: p } },
  };
}

describe('XSS corpus on every screen (Chromium)', () => {
  let browser: Browser;
  let server: ServerProcess;

  beforeAll(async () => {
    const dbPath = tempDbPath();
    const db = openDatabase(dbPath);
    importTasks(db, [task(0, 'summary'), task(1, 'code'), task(2, 'summary'), task(3, 'code')], 'xss.jsonl');
    createStudy(db, {
      name: 'xss-study',
      conditions: [
        { name: 'assisted', policy: 'all' },
        { name: 'unassisted', policy: 'none' },
      ],
      evaluators: [{ id: 'eve', displayName: `Eve ${corpus[1]}` }],
      overlap: 1,
      seed: 3,
      reviewHere: true,
    });
    db.close();
    server = await startServe(dbPath);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function expectInert(page: Page, where: string, dialogs: string[], foreign: string[]): Promise<void> {
    await page.waitForTimeout(300);
    const state = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
      injected: document.querySelectorAll('#root script, #root iframe, #root object, #root img[src="x"], #root svg[onload], #root [onerror], #root [ontoggle], #root style, #overlay, #root a[href^="javascript:"]').length,
      mainVisible: getComputedStyle(document.querySelector('main')!).display !== 'none',
    }));
    expect(state, where).toEqual({ pwned: null, injected: 0, mainVisible: true });
    expect(dialogs, where).toEqual([]);
    expect(foreign, where).toEqual([]);
  }

  it('renders hostile text as text on the task list, queue, workspaces, study matrix and analysis', async () => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    const foreign: string[] = [];
    const origin = new URL(server.url).origin;
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith(`${origin}/`) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u);
    });
    await page.addInitScript({ content: "window.localStorage.setItem('assay.evaluator', 'eve');" });

    await page.goto(`${server.url}#/tasks`);
    await page.getByText('T0 ', { exact: false }).first().waitFor();
    await expect.poll(() => page.getByText(corpus[0]!, { exact: false }).count()).toBeGreaterThan(0); // shown as text
    await expectInert(page, 'task list', dialogs, foreign);
    // the researcher's preview of each task (every field, meta included), and a search that highlights hostile text
    for (const id of ['xss-0', 'xss-1', 'xss-2', 'xss-3']) {
      await page.goto(`${server.url}#/tasks/${id}?q=${encodeURIComponent('script img onerror')}`);
      await page.locator('.detail-meta').waitFor();
      await page.getByText('Source document', { exact: false }).click(); // open the document too
      await expectInert(page, `task preview ${id}`, dialogs, foreign);
    }

    await page.goto(`${server.url}#/review`);
    await page.getByText('T1 ', { exact: false }).first().waitFor();
    await expectInert(page, 'queue', dialogs, foreign);

    // Open every item of the queue (summary and code, assisted and unassisted) and use the keyboard.
    const links = await page.locator('a[href^="#/review/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    expect(links.length).toBeGreaterThanOrEqual(4);
    for (const href of links) {
      await page.goto(`${server.url}${href}`);
      await page.getByRole('button', { name: 'Submit' }).waitFor();
      await page.waitForTimeout(400); // Monaco and hovers settle
      await page.keyboard.press('j');
      await page.keyboard.press('k');
      const link = page.getByText('click me').first();
      if (await link.isVisible().catch(() => false)) await link.click().catch(() => undefined);
      await expectInert(page, `workspace ${href}`, dialogs, foreign);
    }

    await page.goto(`${server.url}#/studies/xss-study`);
    await page.getByText('xss-0', { exact: false }).first().waitFor();
    await expectInert(page, 'study matrix', dialogs, foreign);

    await page.goto(`${server.url}#/analysis`);
    await page.waitForTimeout(1500);
    await expectInert(page, 'analysis', dialogs, foreign);
    await page.close();
  });
});
