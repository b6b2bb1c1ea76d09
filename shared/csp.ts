/**
 * The Content-Security-Policy of the UI, the same in the desktop window and in browser mode: only
 * the app's own scripts, no remote content, no plugins, no framing. Monaco injects styles, hence
 * 'unsafe-inline' for styles only; its workers are bundled files ('self') or blobs.
 */
const directives = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** The policy sent as an HTTP header (browser mode and the desktop app's responses). */
export const contentSecurityPolicy = [...directives, "frame-ancestors 'none'"].join('; ');

/** The policy for index.html's meta tag: browsers ignore frame-ancestors there. */
export const metaContentSecurityPolicy = directives.join('; ');
