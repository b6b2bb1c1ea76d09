import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { ipcChannel, opNames } from '../../shared/contract/index.js';
import type { ApiResult } from '../../shared/result.js';
import { dispatch, type Handlers } from '../backend/api/dispatch.js';
import { isAppUrl } from './security.js';

/** True when an IPC message comes from the app's own top-level page. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame !== undefined && frame.parent === null && isAppUrl(frame.url);
}

/**
 * Registers one IPC channel per contract operation. Each checks the sender, then dispatches, which
 * validates the payload with the contract's schema. Returns the channels registered.
 */
// SECURITY: the IPC trust boundary.
export function registerIpcHandlers(ipcMain: Pick<IpcMain, 'handle'>, handlers: Handlers, dbPath?: string): string[] {
  const channels: string[] = [];
  for (const name of opNames) {
    const channel = ipcChannel(name);
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, input: unknown): Promise<ApiResult<unknown>> => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: { code: 'bad-request', message: 'IPC from an untrusted sender was refused' } };
      }
      return dispatch(handlers, name, input, { dbPath });
    });
    channels.push(channel);
  }
  return channels;
}
