import { describe, expect, it } from 'vitest';
import { useBrowserMode } from '../helpers/browser-mode.js';

describe('browser mode', () => {
  const env = useBrowserMode();

  it('offers the demo on an empty database, lists the demo tasks, and stays on 127.0.0.1 without console errors', async () => {
    const page = await env.browser.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));

    await page.goto(env.server.url);
    await page.getByRole('heading', { name: 'Welcome to Assay' }).waitFor();
    await page.getByRole('button', { name: 'Load demo tasks' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
    await page.getByRole('heading', { name: /Tasks/ }).waitFor();
    const rows = page.getByRole('listbox', { name: 'Tasks' }).getByRole('option');
    await expect.poll(() => rows.count()).toBe(4); // the 4 demo tasks
    await expect.poll(() => page.getByRole('option', { name: 'Footbridge closure (local news)' }).isVisible()).toBe(true);

    // A code task opens in the bundled Monaco diff editor.
    await page.getByRole('option', { name: 'Refactor of stats helpers (code diff)' }).click();
    await page.locator('.monaco-diff-editor').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('.monaco-diff-editor .view-line').count()).toBeGreaterThan(5);

    const origin = new URL(env.server.url).origin;
    const foreign = requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('refuses API calls with a foreign Host or Origin (DNS rebinding)', async () => {
    const page = await env.browser.newPage();
    await page.goto(env.server.url);
    const status = await page.evaluate(async () => {
      const r = await fetch('./api/app:info', { method: 'POST', body: '{}' });
      return r.status;
    });
    expect(status).toBe(200);
    const res = await fetch(`${env.server.url}api/app:info`, { method: 'POST', body: '{}', headers: { Origin: 'http://evil.example' } });
    expect(res.status).toBe(403);
    await page.close();
  });
});
