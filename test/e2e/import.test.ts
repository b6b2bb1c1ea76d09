import { describe, expect, it } from 'vitest';
import { useBrowserMode } from '../helpers/browser-mode.js';

const task = (id: string, title: string) =>
  JSON.stringify({ id, kind: 'summary', title, context: { document: 'A source text 📄.' }, output: `The output of ${title} 🎉.`, critiques: [{ id: 'c1', text: 'Critique.', anchor: { quote: '🎉' } }] });

describe('import in the UI (browser mode)', () => {
  const env = useBrowserMode();

  it('refuses a bad file with line-numbered errors and nothing imported, then imports a good one and lists it', async () => {
    const page = await env.browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${env.server.url}#/tasks`);
    await page.getByRole('heading', { name: 'Welcome to Assay' }).waitFor();

    const bad = [task('t1', 'First'), '{"id": "t2", "kind": "summary"}', task('t1', 'Again'), '{broken'].join('\n');
    await page.getByLabel('Task package files').setInputFiles({ name: 'bad.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(bad) });
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await expect.poll(() => alert.textContent()).toContain('Nothing imported from bad.jsonl: 3 errors.');
    const errors = page.getByRole('list', { name: 'Errors in bad.jsonl' }).getByRole('listitem');
    expect(await errors.allTextContents()).toEqual([
      'bad.jsonl:2: output: required (string)',
      'bad.jsonl:3: id: duplicate task id "t1" (also on line 1)',
      expect.stringMatching(/^bad\.jsonl:4: \(json\): not valid JSON: /),
    ]);
    // nothing was imported: still the empty database
    expect(await page.getByRole('heading', { name: 'Welcome to Assay' }).isVisible()).toBe(true);
    const info = await (await fetch(`${env.server.url}api/app:info`, { method: 'POST', body: '{}' })).json();
    expect(info.value.taskCount).toBe(0);

    const good = `${task('t1', 'First task')}\n${task('t2', 'Second task')}\n`;
    await page.getByRole('button', { name: 'Import task package…' }).waitFor();
    await page.getByLabel('Task package files').setInputFiles({ name: 'good.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(good) });
    await page.getByRole('heading', { name: /Tasks/ }).waitFor();
    await expect.poll(() => page.getByText('Imported 2 tasks, 2 critiques, 0 flaws from good.jsonl.').isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('listbox', { name: 'Tasks' }).getByRole('option').count()).toBe(2);
    expect(await page.getByRole('option', { name: 'First task' }).isVisible()).toBe(true);
    expect(await page.getByRole('option', { name: 'Second task' }).isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows a progress bar while a large file uploads in chunks, and the import is a no-op the second time', async () => {
    const page = await env.browser.newPage();
    await page.goto(`${env.server.url}#/tasks`);
    await page.getByRole('heading', { name: /Tasks/ }).waitFor();
    const filler = 'x'.repeat(2000);
    const lines = Array.from({ length: 2500 }, (_, i) => JSON.stringify({ id: `big-${i}`, kind: 'summary', output: `${i} ${filler}` }));
    const buffer = Buffer.from(`${lines.join('\n')}\n`); // ~5 MB: several 1 MiB chunks
    const seen: (string | null)[] = [];
    const watcher = setInterval(() => {
      void page
        .getByRole('progressbar')
        .getAttribute('aria-valuenow', { timeout: 50 })
        .then((v) => seen.push(v))
        .catch(() => undefined);
    }, 20);
    await page.getByLabel('Task package files').setInputFiles({ name: 'big.jsonl', mimeType: 'application/x-ndjson', buffer });
    await page.getByText('Imported 2500 tasks, 0 critiques, 0 flaws from big.jsonl.').waitFor({ timeout: 60_000 });
    clearInterval(watcher);
    expect(seen.length).toBeGreaterThan(0);
    await page.getByRole('heading', { name: 'Tasks (2,502)' }).waitFor();
    await page.getByRole('status').filter({ hasText: '2,502 tasks' }).waitFor();

    await page.getByLabel('Task package files').setInputFiles({ name: 'big.jsonl', mimeType: 'application/x-ndjson', buffer });
    await page.getByText('Imported 0 tasks, 0 critiques, 0 flaws from big.jsonl (2500 unchanged).').waitFor({ timeout: 60_000 });
    await page.close();
  });

  it('imports files dropped on the task list', async () => {
    const page = await env.browser.newPage();
    await page.goto(`${env.server.url}#/tasks`);
    await page.getByRole('heading', { name: /Tasks/ }).waitFor();
    const content = `${task('dropped-1', 'Dropped task')}\n`;
    const dataTransfer = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'dropped.jsonl', { type: 'application/x-ndjson' }));
      return dt;
    }, content);
    const area = page.locator('.import-area').first();
    await area.dispatchEvent('dragover', { dataTransfer });
    await page.getByText('Drop task packages, packs or results files').waitFor();
    await area.dispatchEvent('drop', { dataTransfer });
    await page.getByText('Imported 1 task, 1 critique, 0 flaws from dropped.jsonl.').waitFor();
    await page.getByRole('heading', { name: 'Tasks (2,503)' }).waitFor(); // appended after the earlier tests' 2,502
    expect(await page.getByText('Drop task packages, packs or results files').count()).toBe(0);
    await page.close();
  });

  it('shows the importer\'s warnings, as the CLI prints them, beside an import that succeeded (a flaw on lines the change does not touch)', async () => {
    const page = await env.browser.newPage();
    await page.goto(`${env.server.url}#/tasks`);
    await page.getByLabel('Task package files').waitFor({ state: 'attached' }); // the task list, or the welcome when run alone
    const base = 'def total(xs):\n    s = 0\n    for x in xs[:-1]:\n        s += x\n    return s\n';
    const output = base.replace('xs[:-1]', 'xs');
    const line = (id: string, flawLines: [number, number]) =>
      JSON.stringify({ id, kind: 'code', language: 'python', base, output, flaws: [{ id: 'f1', description: 'Off by one.', anchor: { lines: flawLines } }] });
    // line 3 changed (fine); line 5 did not (warned)
    const pkg = `${line('warn-ok', [3, 3])}\n${line('warn-off', [5, 5])}\n`;
    await page.getByLabel('Task package files').setInputFiles({ name: 'anchors.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(pkg) });
    await page.getByText('Imported 2 tasks, 0 critiques, 2 flaws from anchors.jsonl.').waitFor();
    const warnings = page.getByRole('list', { name: 'Warnings in anchors.jsonl' }).getByRole('listitem');
    expect(await warnings.allTextContents()).toEqual([
      'anchors.jsonl:2: flaws[0].anchor: line 5 of the output touches no changed line (the change is on output lines 3 and base lines 3): is the flaw anchored on the right lines?',
    ]);
    expect(await page.getByText('1 warning', { exact: true }).isVisible()).toBe(true);
    await page.close();
  });
});
