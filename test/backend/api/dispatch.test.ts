import { describe, expect, it } from 'vitest';
import { dispatch, type Handlers } from '../../../electron/backend/api/dispatch.js';
import { createHandlers } from '../../../electron/backend/api/handlers/index.js';
import { opNames } from '../../../shared/contract/index.js';
import { AppError } from '../../../shared/result.js';
import { tempDb } from '../../helpers/db.js';

function handlersOnTempDb(): Handlers {
  const { db, path } = tempDb();
  return createHandlers({ db, dbPath: path, host: 'browser' });
}

describe('dispatch', () => {
  it('implements every operation of the contract', () => {
    expect(Object.keys(handlersOnTempDb()).sort()).toEqual([...opNames]);
  });

  it('validates input and applies schema defaults', async () => {
    const h = handlersOnTempDb();
    await dispatch(h, 'demo:load', {});
    const r = await dispatch(h, 'tasks:list', {});
    expect(r.ok).toBe(true);
    if (r.ok) expect((r.value as { items: unknown[] }).items).toHaveLength(4);
    expect(await dispatch(h, 'tasks:list', { limit: -1 })).toMatchObject({ ok: false, error: { code: 'bad-request', message: /limit/ } });
    expect(await dispatch(h, 'tasks:list', { limit: 5, sneaky: true })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await dispatch(h, 'tasks:list', 'not an object')).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('refuses unknown operations, including prototype keys', async () => {
    const h = handlersOnTempDb();
    expect(await dispatch(h, 'tasks:drop', {})).toMatchObject({ ok: false, error: { code: 'unknown-operation' } });
    expect(await dispatch(h, '__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown-operation' } });
    expect(await dispatch(h, 'constructor', {})).toMatchObject({ ok: false, error: { code: 'unknown-operation' } });
    expect(await dispatch(h, 42, {})).toMatchObject({ ok: false, error: { code: 'unknown-operation' } });
  });

  it('keeps an AppError code and turns other errors into internal errors', async () => {
    const h = handlersOnTempDb();
    expect(await dispatch(h, 'tasks:get', { id: 'missing' })).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'No task with id "missing"' },
    });
    const broken: Handlers = {
      ...h,
      'app:info': () => {
        throw new AppError('conflict', 'nope');
      },
      'tasks:list': () => {
        throw new TypeError('boom');
      },
    };
    expect(await dispatch(broken, 'app:info', {})).toEqual({ ok: false, error: { code: 'conflict', message: 'nope' } });
    expect(await dispatch(broken, 'tasks:list', {})).toMatchObject({ ok: false, error: { code: 'internal', message: /boom/ } });
  });

  it('checks results against the contract too', async () => {
    const h = handlersOnTempDb();
    const lying: Handlers = { ...h, 'app:info': () => ({ version: 1 }) as never };
    expect(await dispatch(lying, 'app:info', {})).toMatchObject({ ok: false, error: { code: 'internal', message: /invalid result/ } });
  });

  it('never sends ground truth in a task view', async () => {
    const h = handlersOnTempDb();
    await dispatch(h, 'demo:load', {});
    const r = await dispatch(h, 'tasks:get', { id: 'demo-footbridge' });
    expect(r.ok).toBe(true);
    const text = JSON.stringify(r);
    expect(text).not.toMatch(/"flaws"|"valid"|paid entirely by the council"|Funding wrong/);
  });
});
