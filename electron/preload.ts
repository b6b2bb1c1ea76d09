// The preload script: the renderer's only door to the back end. It exposes `window.assay.invoke`
// for the contract's operations and nothing else (no ipcRenderer, no Node).
import { contextBridge, ipcRenderer } from 'electron';
import { ipcChannel, isOpName } from '../shared/contract/index.js';
import type { ApiResult } from '../shared/result.js';

// SECURITY: only operation names of the contract reach ipcRenderer.
contextBridge.exposeInMainWorld('assay', {
  invoke(name: unknown, input: unknown): Promise<ApiResult<unknown>> {
    if (!isOpName(name)) {
      return Promise.resolve({ ok: false, error: { code: 'unknown-operation', message: `Unknown operation: ${String(name)}` } });
    }
    return ipcRenderer.invoke(ipcChannel(name), input) as Promise<ApiResult<unknown>>;
  },
});
