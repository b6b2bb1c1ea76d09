import { describe, expect, it, vi } from 'vitest';
import { ipcChannel, opNames } from '../../shared/contract/index.js';
import { isTrustedSender, registerIpcHandlers } from '../../electron/shell/ipc.js';
import { installNavigationGuards, isAppUrl, mainWindowOptions } from '../../electron/shell/security.js';
import { createHandlers } from '../../electron/backend/api/handlers/index.js';
import { tempDb } from '../helpers/db.js';

// The Electron binary cannot run here; these tests exercise the shell's logic with fakes.

type Listener = (event: { preventDefault(): void }, url: string) => void;

function fakeWebContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: (() => { action: string }) | undefined;
  return {
    on: (name: string, fn: Listener) => listeners.set(name, fn),
    setWindowOpenHandler: (fn: () => { action: string }) => (openHandler = fn),
    fire(name: string, url: string): boolean {
      let prevented = false;
      listeners.get(name)!({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    },
    openHandler: () => openHandler,
  };
}

const trustedEvent = { senderFrame: { url: 'assay://app/index.html', parent: null } };

describe('window options', () => {
  it('isolates and sandboxes the renderer, with no Node', () => {
    const o = mainWindowOptions('/x/preload.cjs');
    expect(o.webPreferences).toMatchObject({
      preload: '/x/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});

describe('navigation guards', () => {
  it('blocks navigation off the app and every window.open', () => {
    const wc = fakeWebContents();
    installNavigationGuards(wc as never);
    expect(wc.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(wc.fire('will-navigate', 'javascript:alert(1)')).toBe(true);
    expect(wc.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(wc.fire('will-navigate', 'assay://app/index.html')).toBe(false);
    expect(wc.fire('will-redirect', 'http://127.0.0.1:1/')).toBe(true);
    expect(wc.openHandler()!()).toEqual({ action: 'deny' });
  });

  it('recognises only the app origin', () => {
    expect(isAppUrl('assay://app/a.js')).toBe(true);
    expect(isAppUrl('assay://other/a.js')).toBe(false);
    expect(isAppUrl('assay://app.evil/a.js')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });
});

describe('IPC', () => {
  function setup() {
    const handle = vi.fn();
    const { db, path } = tempDb();
    const channels = registerIpcHandlers({ handle }, createHandlers({ db, dbPath: path, host: 'desktop' }));
    const byChannel = new Map(handle.mock.calls.map(([channel, fn]) => [channel as string, fn as (e: unknown, i: unknown) => Promise<unknown>]));
    return { channels, byChannel };
  }

  it('registers one channel per contract operation, and only those', () => {
    const { channels, byChannel } = setup();
    expect(channels.sort()).toEqual(opNames.map(ipcChannel).sort());
    expect([...byChannel.keys()].sort()).toEqual(opNames.map(ipcChannel).sort());
  });

  it('validates every payload and refuses untrusted senders', async () => {
    const { byChannel } = setup();
    const list = byChannel.get(ipcChannel('tasks:list'))!;
    expect(await list(trustedEvent, {})).toMatchObject({ ok: true, value: { total: 0 } });
    expect(await list(trustedEvent, { limit: 'all' })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await list({ senderFrame: { url: 'https://evil.example/', parent: null } }, {})).toMatchObject({
      ok: false,
      error: { message: /untrusted sender/ },
    });
    expect(await list({ senderFrame: { url: 'assay://app/index.html', parent: {} } }, {})).toMatchObject({ ok: false });
    expect(await list({ senderFrame: null }, {})).toMatchObject({ ok: false });
    for (const name of opNames) {
      const r = (await byChannel.get(ipcChannel(name))!(trustedEvent, 'not an object')) as { ok: boolean };
      expect(r.ok, name).toBe(false);
    }
  });

  it('trusts only the top frame of the app', () => {
    expect(isTrustedSender(trustedEvent as never)).toBe(true);
    expect(isTrustedSender({ senderFrame: { url: 'assay://app/', parent: { url: 'x' } } } as never)).toBe(false);
  });
});
