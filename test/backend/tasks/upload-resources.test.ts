// Uploads must not hold files, descriptors or slots forever: not when a step throws, not when the
// page goes away, not after the process was killed.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import { UploadRegistry, removeStaleUploadSpools } from '../../../electron/backend/tasks/uploads.js';
import { tempDb } from '../../helpers/db.js';
import { startServe } from '../../helpers/server.js';
import { tempDbPath, tempDir } from '../../helpers/temp.js';

const line = (id: string): string => `${JSON.stringify({ id, kind: 'summary', output: `Output ${id}` })}\n`;

/** Descriptors of this process open on files under `dir` (Linux: /proc/self/fd). */
function openUnder(dir: string): string[] {
  const open: string[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) open.push(target);
    } catch {
      // closed while listing
    }
  }
  return open;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('an upload that fails frees its file and its descriptor', () => {
  it('finishing an incomplete upload closes and deletes its spool file', () => {
    const dir = tempDir();
    const uploads = new UploadRegistry(tempDb().db, { dir });
    const { uploadId } = uploads.begin('a.jsonl', 100, false);
    uploads.chunk(uploadId, 0, Buffer.from(line('a')));
    expect(openUnder(dir)).toHaveLength(1);
    expect(() => uploads.finish(uploadId)).toThrow(/incomplete/);
    expect(openUnder(dir)).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('an upload that cannot begin (the database is gone) leaves no file and no descriptor', () => {
    const dir = tempDir();
    const { db } = tempDb();
    const uploads = new UploadRegistry(db, { dir });
    db.close();
    expect(() => uploads.begin('a.jsonl', 10, false)).toThrow(/not open/);
    expect(openUnder(dir)).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a chunk that fails is not half-kept: the upload is dropped with its file', () => {
    const dir = tempDir();
    const { db } = tempDb();
    importTasks(db, [{ id: 'seed', kind: 'summary', output: 'x' }], 'seed.jsonl'); // so that each line is looked up
    const uploads = new UploadRegistry(db, { dir });
    const bytes = Buffer.from(line('a') + line('b'));
    const { uploadId } = uploads.begin('a.jsonl', bytes.length, false);
    db.close(); // the dry-run check of the next line needs the database
    expect(() => uploads.chunk(uploadId, 0, bytes)).toThrow(/not open/);
    expect(openUnder(dir)).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(() => uploads.chunk(uploadId, 0, bytes)).toThrow(/no longer in progress/);
    expect(uploads.size).toBe(0);
  });
});

describe('abandoned uploads give their slot back', () => {
  it('when all 8 slots are taken, a new upload replaces the one idle longest — but never one in active use', () => {
    let now = 0;
    const dir = tempDir();
    const uploads = new UploadRegistry(tempDb().db, { dir, now: () => now });
    const ids = Array.from({ length: 8 }, (_, i) => uploads.begin(`u${i}.jsonl`, 1000, false).uploadId);
    now = 500;
    ids.slice(1).forEach((id) => uploads.chunk(id, 0, Buffer.from(line('x'))));
    now = 2_000; // everyone was active within 10 s: nobody is evicted
    expect(() => uploads.begin('late.jsonl', 10, false)).toThrow('8 imports are being uploaded right now; wait for one of them to finish, then try again.');
    now = 10_000; // upload 0 has now been idle for 10 s, the others for 9.5 s
    const late = uploads.begin('late.jsonl', 10, false);
    expect(uploads.size).toBe(8);
    expect(() => uploads.chunk(ids[0]!, 0, Buffer.from('x'))).toThrow(/no longer in progress/);
    expect(uploads.chunk(ids[1]!, line('x').length, Buffer.from(line('y'))).received).toBe(2 * line('x').length);
    expect(uploads.cancel(late.uploadId)).toBe(true);
    expect(openUnder(dir)).toHaveLength(7);
    uploads.close();
    expect(openUnder(dir)).toEqual([]);
  });

  it('idle uploads expire on a timer, without waiting for another upload to begin', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const dir = tempDir();
    const uploads = new UploadRegistry(tempDb().db, { dir });
    const a = uploads.begin('a.jsonl', 1000, false).uploadId;
    uploads.begin('b.jsonl', 1000, false);
    vi.advanceTimersByTime(4 * 60_000);
    uploads.chunk(a, 0, Buffer.from(line('a'))); // a stays active, b does not
    vi.advanceTimersByTime(2 * 60_000);
    expect(uploads.size).toBe(1);
    expect(openUnder(dir)).toHaveLength(1);
    vi.advanceTimersByTime(5 * 60_000);
    expect(uploads.size).toBe(0);
    expect(openUnder(dir)).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(vi.getTimerCount()).toBe(0); // and the sweeper stops when there is nothing left
  });
});

describe('spool files of a killed process are cleaned at start-up', () => {
  const uuid = '0f8fad5b-d9cb-469f-a165-70867728950e';
  const deadPid = 999_999_999;

  function spool(root: string, name: string, files: Record<string, string>, ageMs = 0): string {
    const dir = path.join(root, name);
    fs.mkdirSync(dir);
    for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
    const when = new Date(Date.now() - ageMs);
    for (const f of Object.keys(files)) fs.utimesSync(path.join(dir, f), when, when);
    fs.utimesSync(dir, when, when);
    return dir;
  }

  it('removes only Assay spool folders of dead processes, and in them only spool files', () => {
    const root = tempDir();
    const dead = spool(root, `assay-uploads-${deadPid}-1700000000000-AbC123`, { [`${uuid}.jsonl`]: 'x'.repeat(1000) });
    const alive = spool(root, `assay-uploads-${process.ppid}-1700000000000-AbC123`, { [`${uuid}.jsonl`]: 'x' });
    const withOther = spool(root, `assay-uploads-${deadPid}-1700000000000-ZZZ999`, { [`${uuid}.jsonl`]: 'x', 'notes.txt': 'mine' });
    const legacyOld = spool(root, 'assay-uploads-Qw3rTy', { [`${uuid}.jsonl`]: 'x' }, 60 * 60_000);
    const legacyNew = spool(root, 'assay-uploads-Zx9vBn', { [`${uuid}.jsonl`]: 'x' });
    const unrelated = spool(root, 'assay-uploads-my-backup', { [`${uuid}.jsonl`]: 'x' }, 60 * 60_000);
    const other = spool(root, 'someone-else', { [`${uuid}.jsonl`]: 'x' }, 60 * 60_000);
    fs.writeFileSync(path.join(root, `assay-uploads-${deadPid}-1-fileAA`), 'a file, not a folder');
    const target = spool(root, 'elsewhere', { [`${uuid}.jsonl`]: 'keep me' });
    fs.symlinkSync(target, path.join(root, `assay-uploads-${deadPid}-1-linkAA`));

    const removed = removeStaleUploadSpools(root);

    expect(removed.sort()).toEqual([dead, legacyOld].sort());
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(legacyOld)).toBe(false);
    expect(fs.readdirSync(alive)).toEqual([`${uuid}.jsonl`]);
    expect(fs.readdirSync(withOther)).toEqual(['notes.txt']); // its spool file went, the folder and the rest stay
    expect(fs.readdirSync(legacyNew)).toHaveLength(1);
    expect(fs.readdirSync(unrelated)).toHaveLength(1);
    expect(fs.readdirSync(other)).toHaveLength(1);
    expect(fs.readFileSync(path.join(root, `assay-uploads-${deadPid}-1-fileAA`), 'utf8')).toBe('a file, not a folder');
    expect(fs.readFileSync(path.join(target, `${uuid}.jsonl`), 'utf8')).toBe('keep me');
  });

  it('keeps the folder of another registry of this very process, and removes one a previous process with the same pid left', () => {
    const root = tempDir();
    const live = new UploadRegistry(tempDb().db, { spoolRoot: root });
    live.begin('a.jsonl', 10, false);
    const [ours] = fs.readdirSync(root);
    expect(ours).toMatch(new RegExp(`^assay-uploads-${process.pid}-\\d+-[A-Za-z0-9]{6}$`));
    const earlier = spool(root, `assay-uploads-${process.pid}-1000-AbC123`, { [`${uuid}.jsonl`]: 'x' });
    new UploadRegistry(tempDb().db, { spoolRoot: root }); // start-up of a second registry cleans
    expect(fs.existsSync(earlier)).toBe(false);
    expect(fs.readdirSync(path.join(root, ours!))).toHaveLength(1);
    live.close();
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('a killed `assay serve` leaves its spool file; the next start removes it', async () => {
    const tmp = tempDir();
    const db = tempDbPath();
    const first = await startServe(db, [], { TMPDIR: tmp });
    const call = async (url: string, op: string, input: unknown): Promise<{ ok: boolean; value: { uploadId: string } }> =>
      (await (await fetch(`${url}api/${op}`, { method: 'POST', body: JSON.stringify(input) })).json()) as never;
    const begun = await call(first.url, 'tasks:importBegin', { name: 'big.jsonl', size: 1_000_000 });
    expect(begun.ok).toBe(true);
    expect((await call(first.url, 'tasks:importChunk', { uploadId: begun.value.uploadId, offset: 0, data: Buffer.from(line('a')).toString('base64') })).ok).toBe(true);
    await first.stop('SIGKILL');
    const left = fs.readdirSync(tmp).filter((n) => n.startsWith('assay-uploads-'));
    expect(left).toHaveLength(1);
    expect(fs.readdirSync(path.join(tmp, left[0]!))).toEqual([`${begun.value.uploadId}.jsonl`]);

    const second = await startServe(db, [], { TMPDIR: tmp });
    try {
      expect(fs.readdirSync(tmp).filter((n) => n.startsWith('assay-uploads-'))).toEqual([]);
    } finally {
      await second.stop();
    }
  });
});
