import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import type { ApiResult } from '../../shared/result.js';
import { readUtf8File, writeFileAtomic } from '../backend/files.js';

/** What the File menu needs from Electron and the back end (fakes in tests). */
export interface MenuDeps {
  /** Asks for a file to open; undefined when cancelled. */
  chooseFileToOpen(title: string, filters: { name: string; extensions: string[] }[]): Promise<string | undefined>;
  /** Asks where to save; undefined when cancelled. */
  chooseFileToSave(title: string, defaultName: string): Promise<string | undefined>;
  /** Runs a contract operation (validated, as IPC calls are). */
  invoke(name: string, input: unknown): Promise<ApiResult<unknown>>;
  /** Shows a place of the app, e.g. `studies`. */
  show(route: string): void;
  /** Tells the user what happened. */
  inform(title: string, message: string): void;
  /** Tells the user what went wrong. */
  fail(title: string, message: string): void;
}

/** File → Open pack…: an evaluator opens the offline pack a researcher sent them. */
export async function openPack(deps: MenuDeps): Promise<void> {
  const file = await deps.chooseFileToOpen('Open pack', [{ name: 'Assay pack', extensions: ['json'] }]);
  if (!file) return;
  let content: string;
  try {
    content = readUtf8File(file); // strict UTF-8: never replacement characters
  } catch (err) {
    deps.fail('Cannot open the pack', (err as Error).message);
    return;
  }
  const r = await deps.invoke('packs:import', { fileName: path.basename(file), content });
  if (!r.ok) {
    deps.fail('Cannot open the pack', r.error.message);
    return;
  }
  const v = r.value as { study: string; items: number; unchanged: boolean };
  deps.inform('Pack opened', v.unchanged ? `This pack was already open (${v.items} items).` : `${v.items} items to review, in the Review place.`);
  deps.show('studies');
}

/** File → Export results…: the evaluator's finished reviews, to send back to the researcher. */
export async function exportResults(deps: MenuDeps): Promise<void> {
  const r = await deps.invoke('results:export', {});
  if (!r.ok) {
    deps.fail('Cannot export results', r.error.message);
    return;
  }
  const v = r.value as { fileName: string; content: string; reviews: number };
  const target = await deps.chooseFileToSave('Export results', v.fileName);
  if (!target) return;
  try {
    writeFileAtomic(target, v.content);
  } catch (err) {
    deps.fail('Cannot export results', (err as Error).message);
    return;
  }
  deps.inform('Results exported', `${v.reviews} finished review${v.reviews === 1 ? '' : 's'} written to ${target}. Send this file to the researcher.`);
}

/** The application menu: File (packs and results), Edit, View, Window. */
export function menuTemplate(deps: MenuDeps, options: { readonly mac: boolean; readonly devTools: boolean }): MenuItemConstructorOptions[] {
  return [
    ...(options.mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Open Pack…', accelerator: 'CmdOrCtrl+O', click: () => void openPack(deps) },
        { label: 'Export Results…', accelerator: 'CmdOrCtrl+Shift+E', click: () => void exportResults(deps) },
        { type: 'separator' },
        options.mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(options.devTools ? [{ type: 'separator' as const }, { role: 'toggleDevTools' as const }] : []),
      ],
    },
    { role: 'windowMenu' },
  ];
}
