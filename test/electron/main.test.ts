import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ipcChannel, opNames } from '../../shared/contract/index.js';
import { contentSecurityPolicy } from '../../shared/csp.js';
import { tempDbPath } from '../helpers/temp.js';
import { tempDb } from '../helpers/db.js';
import { openDatabase } from '../../electron/backend/db/open.js';
import { beginReview, getQueue, recordEvent } from '../../electron/backend/reviews/repository.js';
import { exportPack, importPack } from '../../electron/backend/studies/packs.js';
import { createStudy } from '../../electron/backend/studies/repository.js';
import { loadStudyTasks } from '../backend/studies/fixtures.js';

// A fake `electron` module: enough of the API for main.ts and preload.ts to run in Node.
const fake = vi.hoisted(() => {
  const state = {
    windows: [] as { options: unknown; url?: string; calls: string[]; minimized: boolean }[],
    handled: [] as string[],
    privileged: [] as unknown[],
    headerHook: undefined as undefined | ((d: unknown, cb: (r: unknown) => void) => void),
    permissionHook: undefined as undefined | ((wc: unknown, p: string, cb: (ok: boolean) => void, details: unknown) => void),
    permissionCheck: undefined as undefined | ((wc: unknown, p: string, origin: string) => boolean),
    appListeners: new Map<string, ((...args: unknown[]) => void)[]>(),
    protocolHandler: undefined as undefined | ((request: { url: string }) => Promise<Response>),
    fetched: [] as string[],
    singleInstance: true,
    exposed: new Map<string, unknown>(),
    errorBoxes: [] as string[][],
    menu: undefined as unknown,
    quits: 0,
    invoked: [] as unknown[][],
    messageBoxes: [] as { title?: string; message?: string; buttons?: string[] }[],
    messageBoxResponse: 2,
    /** What the fake save dialog answers ('' = cancelled). */
    savePath: '',
    saveDialogs: [] as { title?: string; defaultPath?: string }[],
    /** The IPC handlers main.ts registered, by channel. */
    ipcHandlers: new Map<string, (event: unknown, input: unknown) => Promise<unknown>>(),
    encryption: true,
    storageBackend: 'gnome_libsecret' as string,
  };
  class BrowserWindow {
    static getAllWindows = () => state.windows;
    webContents = { on: () => undefined, setWindowOpenHandler: () => undefined };
    calls: string[] = [];
    minimized = false;
    listeners = new Map<string, ((e: { preventDefault(): void }) => void)[]>();
    on(name: string, fn: (e: { preventDefault(): void }) => void): void {
      this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
    }
    close(): void {
      this.calls.push('close');
    }
    constructor(public options: unknown) {
      state.windows.push(this as never);
    }
    once(): void {}
    isDestroyed(): boolean {
      return false;
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    restore(): void {
      this.calls.push('restore');
    }
    show(): void {
      this.calls.push('show');
    }
    focus(): void {
      this.calls.push('focus');
    }
    loadURL(url: string): Promise<void> {
      (this as unknown as { url: string }).url = url;
      return Promise.resolve();
    }
  }
  const electron = {
    app: {
      whenReady: () => Promise.resolve(),
      on: (name: string, fn: (...args: unknown[]) => void) => state.appListeners.set(name, [...(state.appListeners.get(name) ?? []), fn]),
      requestSingleInstanceLock: () => state.singleInstance,
      isPackaged: false,
      quit: () => (state.quits += 1),
    },
    dialog: {
      showErrorBox: (title: string, text: string) => state.errorBoxes.push([title, text]),
      showMessageBox: (_win: unknown, options: { title?: string; message?: string; buttons?: string[] }) => {
        state.messageBoxes.push(options);
        return Promise.resolve({ response: state.messageBoxResponse });
      },
      showSaveDialog: (_win: unknown, options: { title?: string; defaultPath?: string }) => {
        state.saveDialogs.push(options);
        return Promise.resolve({ filePath: state.savePath });
      },
      showOpenDialog: () => Promise.resolve({ filePaths: [] }),
    },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => (state.menu = m) },
    BrowserWindow,
    ipcMain: {
      handle: (channel: string, fn: (event: unknown, input: unknown) => Promise<unknown>) => {
        state.handled.push(channel);
        state.ipcHandlers.set(channel, fn);
      },
    },
    // a stand-in for the OS keychain: "encrypts" reversibly, so a test can see nothing is stored in clear
    safeStorage: {
      isEncryptionAvailable: () => state.encryption,
      getSelectedStorageBackend: () => state.storageBackend,
      encryptString: (text: string) => Buffer.from(`enc:${Buffer.from(text).toString('hex')}`),
      decryptString: (blob: Buffer) => Buffer.from(blob.toString().replace(/^enc:/, ''), 'hex').toString(),
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => state.privileged.push(...s),
      handle: (_scheme: string, fn: never) => (state.protocolHandler = fn),
    },
    net: {
      fetch: (url: string) => {
        state.fetched.push(url);
        return url.endsWith('/missing.js') ? Promise.reject(new Error('net::ERR_FILE_NOT_FOUND')) : Promise.resolve(new Response('file body'));
      },
    },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (fn: never) => (state.headerHook = fn) },
        setPermissionRequestHandler: (fn: never) => (state.permissionHook = fn),
        setPermissionCheckHandler: (fn: never) => (state.permissionCheck = fn),
      },
    },
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => state.exposed.set(key, api) },
    ipcRenderer: {
      invoke: (...args: unknown[]) => {
        state.invoked.push(args);
        return Promise.resolve({ ok: true, value: null });
      },
    },
  };
  return { state, electron };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

const previousDb = process.env['ASSAY_DB'];
afterAll(() => {
  if (previousDb === undefined) delete process.env['ASSAY_DB'];
  else process.env['ASSAY_DB'] = previousDb;
});

describe('electron main (with a fake electron module)', () => {
  it('opens one hardened window on the app scheme, sets the CSP, denies permissions and registers every operation', async () => {
    process.env['ASSAY_DB'] = tempDbPath();
    await import('../../electron/main.js');
    await vi.waitFor(() => expect(fake.state.windows).toHaveLength(1));
    const win = fake.state.windows[0]!;
    expect(win.url).toBe('assay://app/index.html');
    expect(win.options).toMatchObject({ webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false } });
    expect(fake.state.privileged).toEqual([expect.objectContaining({ scheme: 'assay' })]);
    expect(fake.state.handled.sort()).toEqual(opNames.map(ipcChannel).sort());

    let headers: unknown;
    fake.state.headerHook!({ responseHeaders: { 'X-A': ['1'] } }, (r) => (headers = r));
    expect(headers).toEqual({ responseHeaders: { 'X-A': ['1'], 'Content-Security-Policy': [contentSecurityPolicy] } });
    const labels = JSON.stringify(fake.state.menu);
    expect(labels).toContain('Open Pack…');
    expect(labels).toContain('Export Results…');
    let granted: boolean | undefined;
    fake.state.permissionHook!({}, 'media', (ok) => (granted = ok), { requestingUrl: 'assay://app/index.html' });
    expect(granted).toBe(false);
  });

  it('answers permission checks as it answers requests: only clipboard writes, only from the app', () => {
    const check = fake.state.permissionCheck!;
    for (const permission of ['media', 'geolocation', 'notifications', 'hid', 'serial', 'usb', 'openExternal', 'clipboard-read', 'fullscreen']) {
      expect(check({}, permission, 'assay://app'), permission).toBe(false);
    }
    expect(check({}, 'clipboard-sanitized-write', 'assay://app')).toBe(true);
    expect(check({}, 'clipboard-sanitized-write', 'https://evil.example')).toBe(false);
    let granted: boolean | undefined;
    fake.state.permissionHook!({}, 'clipboard-sanitized-write', (ok) => (granted = ok), { requestingUrl: 'https://evil.example/' });
    expect(granted).toBe(false);
  });

  it('guards every web contents the app creates, not only the main window', () => {
    const listeners = fake.state.appListeners.get('web-contents-created') ?? [];
    expect(listeners).toHaveLength(1);
    const on = new Map<string, (e: { preventDefault(): void }, url: string) => void>();
    let openHandler: (() => unknown) | undefined;
    listeners[0]!({}, { on: (n: string, fn: never) => on.set(n, fn), setWindowOpenHandler: (fn: never) => (openHandler = fn) });
    let prevented = 0;
    on.get('will-navigate')!({ preventDefault: () => (prevented += 1) }, 'https://evil.example/');
    on.get('will-redirect')!({ preventDefault: () => (prevented += 1) }, 'file:///etc/passwd');
    on.get('will-attach-webview')!({ preventDefault: () => (prevented += 1) }, '');
    on.get('will-navigate')!({ preventDefault: () => (prevented += 1) }, 'assay://app/index.html#/review');
    expect(prevented).toBe(3);
    expect(openHandler!()).toEqual({ action: 'deny' });
  });

  it('serves the renderer on assay://app and answers 404 — never a throw — for what names no file of it', async () => {
    const handler = fake.state.protocolHandler!;
    const ok = await handler({ url: 'assay://app/assets/a.js' });
    expect(await ok.text()).toBe('file body');
    expect(fake.state.fetched.at(-1)).toMatch(/^file:\/\/\/.*\/dist\/renderer\/assets\/a\.js$/);
    const fetchedBefore = fake.state.fetched.length;
    for (const url of ['assay://app/%E0', 'assay://app/x%00.js', 'assay://app/%C0%AE%C0%AE/package.json', 'assay://app/..%2f..%2fpackage.json', 'assay://other/index.html', 'not a url']) {
      const r = await handler({ url });
      expect(r.status, url).toBe(404);
    }
    expect(fake.state.fetched.length).toBe(fetchedBefore); // none of those reached the file system
    expect((await handler({ url: 'assay://app/missing.js' })).status).toBe(404);
  });

  it('takes the single-instance lock: a second launch restores and focuses the first window', () => {
    const listeners = fake.state.appListeners.get('second-instance') ?? [];
    expect(listeners).toHaveLength(1);
    const win = fake.state.windows[0]!;
    win.minimized = true;
    listeners[0]!({}, ['assay'], '/');
    expect(win.calls).toEqual(['restore', 'show', 'focus']);
  });
});

describe('electron main: critic keys in the keychain (safeStorage)', () => {
  const trusted = { senderFrame: { parent: null, url: 'assay://app/index.html' } };
  const call = (name: string, input: unknown): Promise<unknown> => fake.state.ipcHandlers.get(ipcChannel(name as never))!(trusted, input);

  it('stores a key encrypted beside the database — never in it — and refuses when encryption is unavailable', async () => {
    const baseUrl = 'https://api.example.test/v1';
    const key = 'sk-desktop-KEY-0123456789';
    expect(await call('critics:keyStatus', { baseUrl })).toMatchObject({ ok: true, value: { keychain: 'empty' } });
    expect(await call('critics:saveKey', { baseUrl, key })).toEqual({ ok: true, value: { saved: true } });
    expect(await call('critics:keyStatus', { baseUrl })).toMatchObject({ ok: true, value: { keychain: 'saved' } });
    const dir = path.dirname(process.env['ASSAY_DB']!);
    const keysFile = path.join(dir, 'critic-keys.json');
    const stored = fs.readFileSync(keysFile, 'utf8');
    expect(stored).not.toContain(key);
    for (const f of fs.readdirSync(dir).filter((n) => n.startsWith(path.basename(process.env['ASSAY_DB']!)))) {
      expect(fs.readFileSync(path.join(dir, f)).includes(Buffer.from(key)), f).toBe(false);
    }
    // no encryption (or Linux's hard-coded-password fallback): refused, nothing stored
    fake.state.encryption = false;
    try {
      const r = (await call('critics:saveKey', { baseUrl: 'https://other.example.test/v1', key })) as { ok: boolean; error: { message: string } };
      expect(r.ok).toBe(false);
      expect(r.error.message).toMatch(/no encryption/);
      expect(r.error.message).not.toContain(key);
      expect(await call('critics:keyStatus', { baseUrl })).toMatchObject({ ok: true, value: { keychain: 'unavailable' } });
    } finally {
      fake.state.encryption = true;
    }
    fake.state.storageBackend = 'basic_text';
    try {
      const r = (await call('critics:saveKey', { baseUrl: 'https://other.example.test/v1', key })) as { ok: boolean; error: { message: string } };
      expect(r).toMatchObject({ ok: false, error: { message: expect.stringMatching(process.platform === 'linux' ? /hard-coded password/ : /./) } });
    } finally {
      fake.state.storageBackend = 'gnome_libsecret';
    }
    expect(fs.readFileSync(keysFile, 'utf8')).not.toContain('other.example.test');
    expect(await call('critics:forgetKey', { baseUrl })).toEqual({ ok: true, value: { removed: true } });
    expect(await call('critics:keyStatus', { baseUrl })).toMatchObject({ ok: true, value: { keychain: 'empty' } });
  });
});

describe('electron main with finished reviews not exported', () => {
  it('asks before the window closes: export, close anyway, or stay (here: stay)', async () => {
    // An evaluator's database: a pack opened, one review finished, nothing exported.
    const file = tempDbPath();
    const { db: researcher } = tempDb();
    loadStudyTasks(researcher, 1);
    createStudy(researcher, { name: 'pilot', conditions: [{ name: 'help', policy: 'all' }], evaluators: [{ id: 'eve' }], overlap: 1, seed: 1, researcher: 'Dr. Rosa Diaz' });
    const ev = openDatabase(file);
    importPack(ev, exportPack(researcher, 'pilot', 'eve').content, 'eve.json');
    const item = getQueue(ev, 'eve')[0]!.id;
    const review = beginReview(ev, 'eve', item).review.id;
    recordEvent(ev, { evaluator: 'eve', review, expectedSeq: 0, clientEventId: 'x-0000001', clientTime: Date.now(), event: { type: 'skipped', reason: 'Not my field' } });
    ev.close();
    process.env['ASSAY_DB'] = file;
    const windowsBefore = fake.state.windows.length;
    vi.resetModules();
    await import('../../electron/main.js');
    await vi.waitFor(() => expect(fake.state.windows).toHaveLength(windowsBefore + 1));
    const win = fake.state.windows.at(-1)! as unknown as { listeners: Map<string, ((e: { preventDefault(): void }) => void)[]>; calls: string[] };
    let prevented = 0;
    for (const fn of win.listeners.get('close') ?? []) fn({ preventDefault: () => (prevented += 1) });
    expect(prevented).toBe(1);
    await vi.waitFor(() => expect(fake.state.messageBoxes).toHaveLength(1));
    expect(fake.state.messageBoxes[0]).toMatchObject({
      title: 'Results not exported',
      message: '1 finished review is not exported yet.',
      detail: expect.stringContaining('send it to Dr. Rosa Diaz'),
      buttons: ['Export results…', 'Close without exporting', 'Cancel'],
    });
    expect(win.calls).not.toContain('close'); // "Cancel": the window stays
  });
});

describe('electron main when another Assay is already running', () => {
  it('quits at once: no window, no database, no handlers', async () => {
    const file = tempDbPath();
    process.env['ASSAY_DB'] = file;
    const before = { windows: fake.state.windows.length, quits: fake.state.quits, handled: fake.state.handled.length };
    fake.state.singleInstance = false;
    vi.resetModules();
    try {
      await import('../../electron/main.js');
      await new Promise((r) => setTimeout(r, 50));
      expect(fake.state.quits).toBe(before.quits + 1);
      expect(fake.state.windows).toHaveLength(before.windows);
      expect(fake.state.handled).toHaveLength(before.handled);
      expect(fs.existsSync(file)).toBe(false);
    } finally {
      fake.state.singleInstance = true;
    }
  });
});

describe('electron main on a broken database', () => {
  it('shows a clear error box and quits instead of opening a blank window', async () => {
    const file = tempDbPath();
    fs.writeFileSync(file, Buffer.alloc(4096, 1));
    process.env['ASSAY_DB'] = file;
    const windowsBefore = fake.state.windows.length;
    const quitsBefore = fake.state.quits;
    vi.resetModules();
    await import('../../electron/main.js');
    await vi.waitFor(() => expect(fake.state.quits).toBe(quitsBefore + 1));
    expect(fake.state.errorBoxes).toEqual([['Assay cannot open its database', expect.stringMatching(/corrupt/)]]);
    expect(fake.state.windows).toHaveLength(windowsBefore);
  });
});

describe('preload', () => {
  it('exposes only invoke, and forwards only contract operations', async () => {
    await import('../../electron/preload.js');
    const api = fake.state.exposed.get('assay') as { invoke: (n: unknown, i: unknown) => Promise<unknown> };
    expect(Object.keys(api)).toEqual(['invoke']);
    expect(await api.invoke('shell:exec', { cmd: 'rm -rf /' })).toMatchObject({ ok: false, error: { code: 'unknown-operation' } });
    expect(fake.state.invoked).toEqual([]);
    await api.invoke('tasks:list', {});
    expect(fake.state.invoked).toEqual([[ipcChannel('tasks:list'), {}]]);
  });
});

describe('electron main: the back end and its worker threads', () => {
  it('passes the Electron build of the SQLite addon to the back end, for its worker threads too', async () => {
    const { createRequire } = await import('node:module');
    const path = await import('node:path');
    // Stand-in for the Electron-ABI addon: a copy of the Node build, which loads in this test process.
    const addon = path.join(path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
    const copy = path.join(path.dirname(tempDbPath()), 'better_sqlite3.node');
    fs.copyFileSync(addon, copy);
    const seen: { nativeBinding?: string | undefined; host: string }[] = [];
    vi.resetModules();
    vi.doMock('../../electron/backend/api/backend.js', async (importOriginal) => {
      const actual = await importOriginal<typeof import('../../electron/backend/api/backend.js')>();
      return {
        ...actual,
        createBackend: (options: Parameters<typeof actual.createBackend>[0]) => {
          seen.push({ nativeBinding: options.nativeBinding, host: options.host });
          return actual.createBackend(options);
        },
      };
    });
    process.env['ASSAY_DB'] = tempDbPath();
    process.env['ASSAY_SQLITE_BINDING'] = copy;
    try {
      await import('../../electron/main.js');
      await vi.waitFor(() => expect(seen).toHaveLength(1));
    } finally {
      delete process.env['ASSAY_SQLITE_BINDING'];
      vi.doUnmock('../../electron/backend/api/backend.js');
    }
    expect(seen).toEqual([{ nativeBinding: copy, host: 'desktop' }]);
  });
});

describe('electron main: results saved by the back end through the save dialog', () => {
  it('results:save (not offloaded) asks where to save, writes the file there and records the export', async () => {
    // An evaluator's database: a pack opened, one review finished, nothing exported.
    const file = tempDbPath();
    const { db: researcher } = tempDb();
    loadStudyTasks(researcher, 1);
    createStudy(researcher, { name: 'pilot', conditions: [{ name: 'help', policy: 'all' }], evaluators: [{ id: 'eve' }], overlap: 1, seed: 1, researcher: 'Dr. Rosa Diaz' });
    const ev = openDatabase(file);
    importPack(ev, exportPack(researcher, 'pilot', 'eve').content, 'eve.json');
    const review = beginReview(ev, 'eve', getQueue(ev, 'eve')[0]!.id).review.id;
    recordEvent(ev, { evaluator: 'eve', review, expectedSeq: 0, clientEventId: 'x-0000001', clientTime: Date.now(), event: { type: 'skipped', reason: 'Not my field' } });
    ev.close();
    process.env['ASSAY_DB'] = file;
    const target = `${tempDbPath()}.results.json`;
    fake.state.savePath = target;
    const dialogsBefore = fake.state.saveDialogs.length;
    const windowsBefore = fake.state.windows.length;
    vi.resetModules();
    try {
      await import('../../electron/main.js');
      await vi.waitFor(() => expect(fake.state.windows).toHaveLength(windowsBefore + 1));
      const appFrame = { senderFrame: { parent: null, url: 'assay://app/index.html' } };
      const save = fake.state.ipcHandlers.get(ipcChannel('results:save'))!;
      const r = (await save(appFrame, {})) as { ok: boolean; value: { savedTo: string | null; content: string | null; cancelled: boolean; reviews: number } };
      expect(r).toMatchObject({ ok: true, value: { savedTo: target, content: null, cancelled: false, reviews: 1, researcher: 'Dr. Rosa Diaz' } });
      expect(fake.state.saveDialogs.slice(dialogsBefore)).toEqual([expect.objectContaining({ title: 'Export results of pilot' })]);
      expect(JSON.parse(fs.readFileSync(target, 'utf8'))).toMatchObject({ format: 'assay-results', version: 2, evaluator: 'eve' });
      const packs = (await fake.state.ipcHandlers.get(ipcChannel('packs:list'))!(appFrame, {})) as { value: { unexported: number; lastExport: { savedTo: string } | null }[] };
      expect(packs.value).toEqual([expect.objectContaining({ unexported: 0, lastExport: expect.objectContaining({ savedTo: target }) })]);
    } finally {
      fake.state.savePath = '';
    }
  });
});
