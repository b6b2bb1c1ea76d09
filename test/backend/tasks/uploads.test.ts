import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/backend/api/dispatch.js';
import { createHandlers } from '../../../electron/backend/api/handlers/index.js';
import { uploadLabel } from '../../../electron/backend/tasks/uploads.js';
import { tempDb } from '../../helpers/db.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- envelopes are inspected loosely in these tests
type Loose = any;

/** Calls an operation the way HTTP and IPC do: a JSON payload in, a JSON envelope out. */
async function api(handlers: ReturnType<typeof createHandlers>, name: string, input: unknown): Promise<Loose> {
  const result = await dispatch(handlers, name, JSON.parse(JSON.stringify(input)));
  return JSON.parse(JSON.stringify(result));
}

async function upload(handlers: ReturnType<typeof createHandlers>, name: string, bytes: Buffer, chunk = 7, replace = false): Promise<Loose> {
  const begun = await api(handlers, 'tasks:importBegin', { name, size: bytes.length, replace });
  expect(begun.ok).toBe(true);
  const { uploadId } = begun.value;
  for (let offset = 0; offset < bytes.length; offset += chunk) {
    const r = await api(handlers, 'tasks:importChunk', { uploadId, offset, data: bytes.subarray(offset, offset + chunk).toString('base64') });
    expect(r.ok, JSON.stringify(r)).toBe(true);
  }
  return api(handlers, 'tasks:importFinish', { uploadId });
}

const line = (id: string) => JSON.stringify({ id, kind: 'summary', output: `Über 🎉 ${id}`, critiques: [{ id: 'c', text: 't', anchor: { quote: '🎉' } }] });

describe('import by upload (tasks:importBegin / importChunk / importFinish)', () => {
  it('imports a package sent in small chunks that split multi-byte characters', async () => {
    const { db, path } = tempDb();
    const handlers = createHandlers({ db, dbPath: path, host: 'browser' });
    const bytes = Buffer.from(`${line('a')}\n${line('b')}\n`, 'utf8');
    const r = await upload(handlers, 'pkg.jsonl', bytes);
    expect(r).toEqual({ ok: true, value: { file: 'pkg.jsonl', status: 'imported', tasks: 2, critiques: 2, flaws: 0, unchanged: 0, replaced: 0, errors: [], errorCount: 0, warnings: [], warningCount: 0 } });
    expect((await api(handlers, 'tasks:list', {})).value.total).toBe(2);
    expect((await upload(handlers, 'pkg.jsonl', bytes)).value).toMatchObject({ status: 'imported', tasks: 0, unchanged: 2 });
  });

  it('rejects a bad package with line-numbered errors and imports nothing', async () => {
    const { db, path } = tempDb();
    const handlers = createHandlers({ db, dbPath: path, host: 'browser' });
    const r = await upload(handlers, '../../etc/bad\u0007.jsonl', Buffer.from(`${line('a')}\n{"id": "b", "kind": "summary"}\n`));
    expect(r.value).toMatchObject({ file: 'bad.jsonl', status: 'rejected', tasks: 1, errorCount: 1, errors: ['bad.jsonl:2: output: required (string)'] });
    expect((await api(handlers, 'tasks:list', {})).value.total).toBe(0);
  });

  it('refuses out-of-order chunks, too many bytes, unknown uploads and bad base64', async () => {
    const { db, path } = tempDb();
    const handlers = createHandlers({ db, dbPath: path, host: 'browser' });
    const { value } = await api(handlers, 'tasks:importBegin', { name: 'x.jsonl', size: 4 });
    expect((await api(handlers, 'tasks:importChunk', { uploadId: value.uploadId, offset: 2, data: 'YWI=' })).error.message).toMatch(/expected the chunk at byte 0, got 2/);
    expect((await api(handlers, 'tasks:importChunk', { uploadId: value.uploadId, offset: 0, data: 'not base64!' })).error.code).toBe('bad-request');
    expect((await api(handlers, 'tasks:importFinish', { uploadId: value.uploadId })).error.message).toMatch(/incomplete: 0 of 4 bytes/);
    expect((await api(handlers, 'tasks:importFinish', { uploadId: value.uploadId })).error.code).toBe('not-found');
    const big = await api(handlers, 'tasks:importBegin', { name: 'y.jsonl', size: 2 });
    expect((await api(handlers, 'tasks:importChunk', { uploadId: big.value.uploadId, offset: 0, data: 'YWJj' })).error.message).toMatch(/more bytes than the announced 2/);
    expect((await api(handlers, 'tasks:importCancel', { uploadId: 'nope' })).value).toEqual({ cancelled: false });
  });

  it('shows only a base name for uploaded files', () => {
    expect(uploadLabel('C:\\Users\\me\\tasks.jsonl')).toBe('tasks.jsonl');
    expect(uploadLabel('/tmp/a\nb.jsonl')).toBe('ab.jsonl');
    expect(uploadLabel('')).toBe('upload.jsonl');
  });
});
