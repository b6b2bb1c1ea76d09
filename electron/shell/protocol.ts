import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The file of the built renderer that an `assay://app/…` URL names, or null when it names none:
 * another host, a bad percent-encoding, a NUL byte, or a path that leaves the folder. Never throws.
 */
// SECURITY: the request URL comes from the page, which shows untrusted model text.
export function rendererFileFor(root: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'assay:' || url.host !== 'app') return null;
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  const base = path.resolve(root);
  const file = path.resolve(base, `.${rel}`);
  return file.startsWith(base + path.sep) ? file : null;
}

/**
 * The `assay://` protocol handler: serves files of the built renderer through `fetchFile` (Electron's
 * net.fetch on a file: URL) and answers 404 for anything else. Every failure becomes a response;
 * nothing a page requests can throw into the main process.
 */
export function rendererProtocolHandler(
  root: string,
  fetchFile: (fileUrl: string) => Promise<Response>,
  log: (line: string) => void = (line) => void process.stderr.write(`${line}\n`),
): (request: { readonly url: string }) => Promise<Response> {
  return async (request) => {
    const notFound = (): Response => new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    try {
      const file = rendererFileFor(root, request.url);
      if (file === null) return notFound();
      const response = await fetchFile(pathToFileURL(file).toString());
      return response.ok ? response : notFound();
    } catch (err) {
      // a missing file makes net.fetch reject; anything else is unexpected, but still only a 404
      if (!/ERR_FILE_NOT_FOUND|ENOENT/.test(String((err as Error)?.message))) {
        log(`assay: ${String(request.url).slice(0, 200)}: ${(err as Error)?.message ?? String(err)}`);
      }
      return notFound();
    }
  };
}
