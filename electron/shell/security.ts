import type { BrowserWindowConstructorOptions, WebContents } from 'electron';

/** The app's own origin in the desktop window (a privileged custom scheme, not file://). */
export const appOrigin = 'assay://app';

/** Options of the main window: the renderer gets no Node, runs sandboxed and isolated. */
export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Assay',
    backgroundColor: '#16181c',
    webPreferences: {
      // SECURITY: the renderer shows untrusted model text; it must never reach Node.
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

/** True when a URL belongs to the app itself. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}` === appOrigin;
  } catch {
    return false;
  }
}

/**
 * Blocks navigation away from the app and every window.open. Links in model text are never
 * followed, not even in an external browser: they are untrusted.
 */
// SECURITY: navigation and new-window guards.
export function installNavigationGuards(contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>): void {
  contents.on('will-navigate', (event: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event: { preventDefault(): void }) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
