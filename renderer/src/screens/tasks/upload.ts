import type { ImportResult } from '../../../../shared/contract/tasks.js';
import { call } from '../../api/client.js';

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Progress callbacks of {@link uploadPackage}. */
export interface UploadProgress {
  readonly onChunk: (sent: number, errorCount: number) => void;
  readonly onImporting: () => void;
}

/**
 * Sends a task package to the back end in chunks through the contract (so it works over HTTP in
 * browser mode and over IPC in the desktop app), then asks it to import the file atomically.
 */
export async function uploadPackage(file: File, replace: boolean, progress: UploadProgress): Promise<ImportResult> {
  const { uploadId, chunkBytes } = await call('tasks:importBegin', { name: file.name, size: file.size, replace });
  // A reload or a closed tab mid-upload cancels it at once (keepalive outlives the page), so the
  // server frees its spool file and its slot now rather than when the upload expires.
  const onPageHide = (): void => void call('tasks:importCancel', { uploadId }, { keepalive: true }).catch(() => undefined);
  window.addEventListener('pagehide', onPageHide);
  try {
    for (let offset = 0; offset < file.size; offset += chunkBytes) {
      const bytes = new Uint8Array(await file.slice(offset, offset + chunkBytes).arrayBuffer());
      const r = await call('tasks:importChunk', { uploadId, offset, data: toBase64(bytes) });
      progress.onChunk(r.received, r.errorCount);
    }
  } catch (err) {
    await call('tasks:importCancel', { uploadId }).catch(() => undefined);
    throw err;
  } finally {
    window.removeEventListener('pagehide', onPageHide);
  }
  progress.onImporting();
  return call('tasks:importFinish', { uploadId });
}
