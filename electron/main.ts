// The desktop shell: one window, a privileged app:// scheme for the built UI, IPC from the contract.
// Everything else lives in electron/backend (plain Node) so that it can be tested without Electron.
import path from 'node:path';
import { BrowserWindow, Menu, app, dialog, ipcMain, net, protocol, safeStorage, session } from 'electron';
import { createBackend, type Backend } from './backend/api/backend.js';
import { openDatabase } from './backend/db/open.js';
import type { WritableDb } from './backend/db/types.js';
import { packageRoot, resolveDbPath } from './backend/paths.js';
import { contentSecurityPolicy } from '../shared/csp.js';
import { dispatch } from './backend/api/dispatch.js';
import { registerIpcHandlers } from './shell/ipc.js';
import { closeQuestion, installCloseGuard } from './shell/close-guard.js';
import { exportResults, menuTemplate, type MenuDeps } from './shell/menu.js';
import { writeFileAtomic } from './backend/files.js';
import { listImportedPacks } from './backend/studies/packs.js';
import { rendererProtocolHandler } from './shell/protocol.js';
import { guardEveryWebContents, installSessionGuards, mainWindowOptions } from './shell/security.js';
import { claimSingleInstance } from './shell/single-instance.js';
import { createKeyStore } from './shell/key-store.js';

protocol.registerSchemesAsPrivileged([
  { scheme: 'assay', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
]);

/**
 * The better-sqlite3 addon built for Electron's ABI: shipped in resources/ by electron-builder, or
 * named by ASSAY_SQLITE_BINDING in development. See README, "Desktop builds".
 */
function electronSqliteBinding(): string | undefined {
  if (process.env['ASSAY_SQLITE_BINDING']) return process.env['ASSAY_SQLITE_BINDING'];
  if (app.isPackaged) return path.join(process.resourcesPath, 'native', 'better_sqlite3.node');
  return undefined;
}

function serveRenderer(): void {
  const root = path.join(packageRoot(), 'dist', 'renderer');
  protocol.handle('assay', rendererProtocolHandler(root, (fileUrl) => net.fetch(fileUrl)));
}

let db: WritableDb | undefined;
let mainWindow: BrowserWindow | undefined;
let backend: Backend | undefined;
/** A quit is under way (it waits while the close reminder asks). */
let quitting = false;

function createWindow(): BrowserWindow {
  // (the navigation guards come from guardEveryWebContents, as for any other web contents)
  const win = new BrowserWindow(mainWindowOptions(path.join(__dirname, 'preload.cjs')));
  win.once('ready-to-show', () => win.show());
  void win.loadURL('assay://app/index.html');
  mainWindow = win;
  return win;
}

function start(): void {
  guardEveryWebContents(app);
  void app.whenReady().then(() => {
    // SECURITY: the same CSP as browser mode, on every response; no permission beyond writing to the clipboard.
    installSessionGuards(session.defaultSession, contentSecurityPolicy);
    const dbPath = resolveDbPath(undefined);
    const binding = electronSqliteBinding();
    try {
      // busyTimeoutMs 0: the main process never blocks on another connection's lock (dispatch retries).
      db = openDatabase(dbPath, { busyTimeoutMs: 0, ...(binding ? { nativeBinding: binding } : {}) });
    } catch (err) {
      // A corrupt, read-only or newer database: say so instead of showing a blank window.
      dialog.showErrorBox('Assay cannot open its database', (err as Error).message);
      app.quit();
      return;
    }
    // The results export asks where to save in a dialog and writes the file itself (results:save,
    // which runs on this thread: the dialog cannot cross to a worker).
    const saveFile = async (title: string, defaultPath: string, content: string): Promise<string | undefined> => {
      const target = (await dialog.showSaveDialog(mainWindow!, { title, defaultPath })).filePath || undefined;
      if (target) writeFileAtomic(target, content);
      return target;
    };
    // Long operations run on worker threads, which load the same (Electron-ABI) SQLite addon.
    // Critic keys: the OS keychain (safeStorage), kept encrypted beside the database, never in it.
    const keys = { env: process.env, store: createKeyStore(safeStorage, path.join(path.dirname(dbPath), 'critic-keys.json')) };
    backend = createBackend({ db, dbPath, host: 'desktop', nativeBinding: binding, keys, saveFile });
    const handlers = backend.handlers;
    registerIpcHandlers(ipcMain, handlers, dbPath);
    serveRenderer();
    const win = createWindow();
    const menuDeps: MenuDeps = {
      chooseFileToOpen: async (title, filters) => (await dialog.showOpenDialog(win, { title, filters, properties: ['openFile'] })).filePaths[0],
      invoke: (name, input) => dispatch(handlers, name, input, { dbPath }),
      show: (route) => void win.loadURL(`assay://app/index.html#/${route}`),
      inform: (title, message) => void dialog.showMessageBox(win, { type: 'info', title, message }),
      fail: (title, message) => dialog.showErrorBox(title, message),
    };
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(menuDeps, { mac: process.platform === 'darwin', devTools: !app.isPackaged })));
    // Closing (or quitting) with finished reviews not exported asks first: export, close anyway, or stay.
    installCloseGuard(win, {
      unexported: () => listImportedPacks(db!).reduce((n, p) => n + p.unexported, 0),
      ask: async (count) => {
        const q = closeQuestion(count, [...new Set(listImportedPacks(db!).filter((p) => p.unexported > 0).map((p) => p.researcher ?? ''))].filter(Boolean));
        const r = await dialog.showMessageBox(win, { type: 'warning', title: q.title, message: q.message, detail: q.detail, buttons: q.buttons, defaultId: 0, cancelId: 2 });
        return (['export', 'close', 'cancel'] as const)[r.response] ?? 'cancel';
      },
      exportResults: () => exportResults(menuDeps),
      proceed: () => {
        if (quitting) app.quit();
      },
      stay: () => {
        quitting = false;
      },
    });
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('window-all-closed', () => {
    // macOS keeps the app (and its database) alive without windows: 'activate' opens a new one.
    if (process.platform === 'darwin') return;
    const closing = backend?.close() ?? Promise.resolve();
    backend = undefined;
    void closing.then(() => {
      db?.close();
      db = undefined;
      app.quit();
    });
  });
}

// One Assay per user: a second launch focuses the first window instead of opening the same
// database twice (two windows on one review would refuse each other's actions).
if (claimSingleInstance(app, () => mainWindow)) start();
else app.quit();
