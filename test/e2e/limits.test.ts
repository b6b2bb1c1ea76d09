// Browser mode's limits as the browser meets them: a refused request arrives as the server's
// message (not a connection reset shown as "Cannot reach the Assay server"), and an upload the page
// abandons is cancelled at once.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useBrowserMode } from '../helpers/browser-mode.js';
import { tempDir } from '../helpers/temp.js';

const MiB = 1024 * 1024;

/** Spool files the server process has open (Linux: /proc/PID/fd). */
function openSpoolFiles(pid: number): string[] {
  const open: string[] = [];
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (/assay-uploads-[^/]*\/[0-9a-f-]{36}\.jsonl/.test(target)) open.push(target);
    } catch {
      // closed meanwhile
    }
  }
  return open;
}

describe('browser mode limits, in Chromium', () => {
  const env = useBrowserMode();

  it('a 70 MB request gets the 413 and its message, not a reset', async () => {
    const page = await env.browser.newPage();
    await page.goto(env.server.url);
    const answer = await page.evaluate(async (size) => {
      try {
        const r = await fetch('./api/packs:import', { method: 'POST', body: JSON.stringify({ fileName: 'huge.json', content: 'x'.repeat(size) }) });
        return { status: r.status, body: (await r.json()) as unknown };
      } catch (err) {
        return { error: String(err) };
      }
    }, 70 * MiB);
    expect(answer).toEqual({
      status: 413,
      body: { ok: false, error: { code: 'bad-request', message: expect.stringMatching(/the limit is 32 MiB per request\)\. Open it with the command line instead: assay pack import FILE --db /) } },
    });
    await page.close();
  });

  it('opening a pack too large for browser mode shows what to do instead', async () => {
    const file = path.join(tempDir(), 'huge.assay-pack.json');
    fs.writeFileSync(file, `{"format":"assay-pack","padding":"${'x'.repeat(40 * MiB)}"}`);
    const page = await env.browser.newPage();
    await page.goto(`${env.server.url}#/studies`);
    await page.getByRole('heading', { name: 'Studies', level: 1 }).waitFor();
    await page.getByLabel('Pack file').setInputFiles(file);
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 60_000 });
    await expect
      .poll(() => alert.textContent())
      .toMatch(/^Could not open huge\.assay-pack\.json: This pack is too large to send through browser mode \(the limit is 32 MiB per request\)\. Open it with the command line instead: assay pack import FILE --db ".*"$/);
    expect(await alert.textContent()).not.toContain('Cannot reach');
    await page.close();
  });

  it('reloading the page mid-upload cancels the upload: the server closes and deletes its spool file at once', async () => {
    const file = path.join(tempDir(), 'big.jsonl');
    const filler = 'y'.repeat(2000);
    const out = fs.openSync(file, 'w');
    for (let i = 0; i < 20_000; i++) fs.writeSync(out, `${JSON.stringify({ id: `t-${i}`, kind: 'summary', output: `${i} ${filler}` })}\n`); // ~40 MB: 40 chunks
    fs.closeSync(out);
    const pid = env.server.child.pid!;
    const page = await env.browser.newPage();
    await page.goto(`${env.server.url}#/tasks`);
    await page.getByRole('heading', { name: 'Welcome to Assay' }).waitFor();
    await page.getByLabel('Task package files').setInputFiles(file);
    await expect.poll(() => openSpoolFiles(pid).length, { timeout: 30_000, interval: 20 }).toBe(1);
    const [spool] = openSpoolFiles(pid);
    // Reload once chunks are arriving: the page then knows its upload's id (a reload in the instant
    // between the server's begin and the page reading its answer leaves the upload to expire).
    await expect.poll(() => fs.statSync(spool!.replace(/ \(deleted\)$/, '')).size, { timeout: 30_000, interval: 20 }).toBeGreaterThan(0);
    await page.reload();
    // (an abandoned upload would otherwise expire after 5 minutes of inactivity)
    await expect.poll(() => openSpoolFiles(pid), { timeout: 15_000 }).toEqual([]);
    await expect.poll(() => fs.existsSync(spool!.replace(/ \(deleted\)$/, ''))).toBe(false); // deleted right after it is closed
    const info = (await (await fetch(`${env.server.url}api/app:info`, { method: 'POST', body: '{}' })).json()) as { value: { taskCount: number } };
    expect(info.value.taskCount).toBe(0);
    await page.close();
  });
});
