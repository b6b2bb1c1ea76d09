import type { App, BrowserWindowConstructorOptions, Session, WebContents } from 'electron';

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

/**
 * The one permission the app may use: writing text to the clipboard (Monaco's Copy), and only from
 * the app's own page. Everything else — camera, microphone, notifications, geolocation, HID, serial,
 * USB, opening external programs — is refused, whoever asks.
 */
export function permissionAllowed(permission: string, requestingUrl: string | undefined): boolean {
  return permission === 'clipboard-sanitized-write' && requestingUrl !== undefined && isAppUrl(requestingUrl);
}

/**
 * Session-wide guards: the CSP on every response, and the same answer from the permission
 * *request* handler (a page asks) and the permission *check* handler (a page or Chromium asks
 * whether it already may) — without the check handler, checks are granted by default.
 */
// SECURITY: permissions and CSP for every page of the session.
export function installSessionGuards(session: Pick<Session, 'webRequest' | 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>, csp: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(permissionAllowed(permission, details?.requestingUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permissionAllowed(permission, requestingOrigin));
}

/**
 * Installs the navigation and window-open guards on every web contents the app ever creates (the
 * window, and anything a bug or an exploit might open later), not only on the main window.
 */
// SECURITY: guards for all web contents, present and future.
export function guardEveryWebContents(app: Pick<App, 'on'>): void {
  app.on('web-contents-created', (_event, contents) => installNavigationGuards(contents));
}
