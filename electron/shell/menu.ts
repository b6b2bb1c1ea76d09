import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import type { ApiResult } from '../../shared/result.js';
import { inputFor, misplacedFileMessage, recognizeFile, RECOGNIZE_HEAD_CHARS } from '../../shared/file-kind.js';
import type { ImportedPack, ResultsFileReport } from '../../shared/contract/studies.js';
import { readUtf8File } from '../backend/files.js';

/** What the File menu needs from Electron and the back end (fakes in tests). */
export interface MenuDeps {
  /** Asks for a file to open; undefined when cancelled. */
  chooseFileToOpen(title: string, filters: { name: string; extensions: string[] }[]): Promise<string | undefined>;
  /** Runs a contract operation (validated, as IPC calls are). */
  invoke(name: string, input: unknown): Promise<ApiResult<unknown>>;
  /** Shows a place of the app, e.g. `studies`. */
  show(route: string): void;
  /** Tells the user what happened. */
  inform(title: string, message: string): void;
  /** Tells the user what went wrong. */
  fail(title: string, message: string): void;
}

/**
 * File → Open Pack…: an evaluator opens the offline pack a researcher sent them. The file is
 * recognised by its content: a results file is merged instead (the researcher's side), a task
 * package is pointed to the Tasks place.
 */
export async function openPack(deps: MenuDeps): Promise<void> {
  const file = await deps.chooseFileToOpen('Open pack', [{ name: 'Assay pack or results', extensions: ['json', 'jsonl'] }]);
  if (!file) return;
  let content: string;
  try {
    content = readUtf8File(file); // strict UTF-8: never replacement characters
  } catch (err) {
    deps.fail('Cannot open the pack', (err as Error).message);
    return;
  }
  const fileName = path.basename(file);
  const kind = recognizeFile(content.slice(0, RECOGNIZE_HEAD_CHARS));
  if (inputFor[kind] === 'task-import') {
    deps.fail('This is a task package', misplacedFileMessage(fileName, kind, 'pack-open')!);
    return;
  }
  if (inputFor[kind] === 'results-import') {
    const r = await deps.invoke('results:import', { files: [{ fileName, content }] });
    if (!r.ok) {
      deps.fail('Cannot import the results', r.error.message);
      return;
    }
    const [report] = r.value as ResultsFileReport[];
    if (!report || report.status === 'refused') deps.fail('Results refused', report?.error ?? 'No report.');
    else deps.inform('Results merged', `${fileName} is a results file: ${report.added} review(s) added, ${report.unchanged} already here, ${report.revised} newer revision(s), ${report.conflicts.length} conflict(s).`);
    deps.show('studies');
    return;
  }
  const r = await deps.invoke('packs:import', { fileName, content });
  if (!r.ok) {
    deps.fail('Cannot open the pack', r.error.message);
    return;
  }
  const v = r.value as { study: string; items: number; unchanged: boolean };
  deps.inform('Pack opened', v.unchanged ? `This pack was already open (${v.items} items).` : `${v.items} items to review: press Review beside the pack.`);
  deps.show('studies');
}

/**
 * File → Export Results…: the evaluator's finished reviews, to send back to the researcher, one
 * file per opened pack (the back end's save dialog asks where; `results:save` records the export).
 */
export async function exportResults(deps: MenuDeps): Promise<boolean> {
  const listed = await deps.invoke('packs:list', {});
  if (!listed.ok) {
    deps.fail('Cannot export results', listed.error.message);
    return false;
  }
  const packs = listed.value as ImportedPack[];
  if (packs.length === 0) {
    deps.fail('Cannot export results', 'No pack was opened here: there are no study results to export. Open the pack your researcher sent you first (File → Open Pack…).');
    return false;
  }
  // With several packs, only those with something new; with one, always (a copy may be wanted again).
  const chosen = packs.length === 1 ? packs : packs.filter((p) => p.unexported > 0);
  let saved = true;
  for (const pack of chosen) {
    const r = await deps.invoke('results:save', { pack: pack.id });
    if (!r.ok) {
      deps.fail('Cannot export results', r.error.message);
      return false;
    }
    const v = r.value as { savedTo: string | null; cancelled: boolean; reviews: number; researcher: string | null };
    if (v.cancelled || v.savedTo === null) {
      saved = false;
      continue;
    }
    deps.inform(
      'Results exported',
      `${v.reviews} finished review${v.reviews === 1 ? '' : 's'} of ${pack.study} written to ${v.savedTo}. Send this file to ${v.researcher ?? 'the researcher who sent you the pack'}.`,
    );
  }
  return saved;
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
