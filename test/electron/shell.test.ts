import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { ipcChannel, opNames } from '../../shared/contract/index.js';
import { isTrustedSender, registerIpcHandlers } from '../../electron/shell/ipc.js';
import { rendererFileFor } from '../../electron/shell/protocol.js';
import { installNavigationGuards, isAppUrl, mainWindowOptions, permissionAllowed } from '../../electron/shell/security.js';
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

describe('the assay:// protocol', () => {
  const root = path.resolve('/opt/assay/dist/renderer');

  it('maps app URLs to files of the renderer, and nothing else to anything', () => {
    expect(rendererFileFor(root, 'assay://app/')).toBe(path.join(root, 'index.html'));
    expect(rendererFileFor(root, 'assay://app/assets/a%20b.js?x=1#y')).toBe(path.join(root, 'assets', 'a b.js'));
    expect(rendererFileFor(root, 'assay://app/%2e%2e/x.js')).toBe(path.join(root, 'x.js')); // the URL parser resolves the dots first
    for (const url of ['assay://app/%E0', 'assay://app/a%00.js', 'assay://app/..%2F..%2Fetc%2Fpasswd', 'assay://evil/index.html', 'https://app/index.html', '']) {
      expect(rendererFileFor(root, url), url).toBeNull();
    }
  });

  it('never throws and never leaves the folder, whatever the URL (fast-check)', () => {
    const piece = fc.oneof(fc.constantFrom('%E0', '%00', '%C0%AE', '..', '%2e%2e', '%2f', '%5c', '\\', '/', 'a.js', '?', '#', '%'), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.constantFrom('assay://app/', 'assay://APP/', 'assay://app:1/', 'assay:', ''), fc.array(piece, { maxLength: 8 }), (prefix, parts) => {
        const file = rendererFileFor(root, prefix + parts.join(''));
        if (file !== null) expect(file.startsWith(root + path.sep)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('permissions', () => {
  it('allow clipboard writes from the app only, and nothing else from anyone', () => {
    expect(permissionAllowed('clipboard-sanitized-write', 'assay://app/index.html')).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', 'assay://app')).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(permissionAllowed('clipboard-sanitized-write', undefined)).toBe(false);
    expect(permissionAllowed('media', 'assay://app/index.html')).toBe(false);
    expect(permissionAllowed('clipboard-read', 'assay://app/index.html')).toBe(false);
  });
});
