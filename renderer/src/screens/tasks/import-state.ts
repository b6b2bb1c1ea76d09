import type { ImportResult } from '../../../../shared/contract/tasks.js';
import { assertNever } from '../../../../shared/result.js';

/**
 * What happened to one file of an import. `routed`: the file was not a task package and went where
 * it belongs (a pack opened, results merged), or the message says where it goes.
 */
export type FileOutcome =
  | { readonly name: string; readonly result: ImportResult }
  | { readonly name: string; readonly failure: string }
  | { readonly name: string; readonly routed: string; readonly ok: boolean };

/** The file being imported right now. */
export interface CurrentFile {
  readonly name: string;
  readonly size: number;
  readonly sent: number;
  /** Errors seen so far while uploading (the lines are checked as they arrive). */
  readonly errorCount: number;
  readonly stage: 'uploading' | 'importing';
}

/** The import area's state: the file in progress, files waiting, and the outcomes so far. */
export interface ImportState {
  readonly current: CurrentFile | null;
  readonly waiting: readonly string[];
  readonly outcomes: readonly FileOutcome[];
}

/** Something that happened during an import. */
export type ImportEvent =
  | { readonly type: 'started'; readonly names: readonly string[] }
  | { readonly type: 'file-started'; readonly name: string; readonly size: number }
  | { readonly type: 'chunk-sent'; readonly sent: number; readonly errorCount: number }
  | { readonly type: 'importing' }
  | { readonly type: 'file-finished'; readonly result: ImportResult }
  | { readonly type: 'file-failed'; readonly name: string; readonly message: string }
  | { readonly type: 'file-routed'; readonly name: string; readonly message: string; readonly ok: boolean }
  | { readonly type: 'dismissed' };

/** The state before anything was imported. */
export const initialImportState: ImportState = { current: null, waiting: [], outcomes: [] };

/** Applies one event. Pure, so the progress logic is testable without a browser. */
export function importReducer(state: ImportState, event: ImportEvent): ImportState {
  switch (event.type) {
    case 'started':
      return { current: null, waiting: event.names, outcomes: [] };
    case 'file-started': {
      const i = state.waiting.indexOf(event.name);
      const waiting = i === -1 ? state.waiting : [...state.waiting.slice(0, i), ...state.waiting.slice(i + 1)];
      return { ...state, current: { name: event.name, size: event.size, sent: 0, errorCount: 0, stage: 'uploading' }, waiting };
    }
    case 'chunk-sent':
      return state.current ? { ...state, current: { ...state.current, sent: event.sent, errorCount: event.errorCount } } : state;
    case 'importing':
      return state.current ? { ...state, current: { ...state.current, sent: state.current.size, stage: 'importing' } } : state;
    case 'file-finished':
      return { ...state, current: null, outcomes: [...state.outcomes, { name: event.result.file, result: event.result }] };
    case 'file-failed':
      return { ...state, current: null, outcomes: [...state.outcomes, { name: event.name, failure: event.message }] };
    case 'file-routed': {
      const i = state.waiting.indexOf(event.name);
      const waiting = i === -1 ? state.waiting : [...state.waiting.slice(0, i), ...state.waiting.slice(i + 1)];
      return { ...state, waiting, outcomes: [...state.outcomes, { name: event.name, routed: event.message, ok: event.ok }] };
    }
    case 'dismissed':
      return state.current ? state : initialImportState;
    default:
      return assertNever(event, 'import event');
  }
}

/** True while files are being uploaded or imported. */
export function isBusy(state: ImportState): boolean {
  return state.current !== null || state.waiting.length > 0;
}

/** The progress of the current file as a fraction in [0, 1], or null while the server imports. */
export function progressOf(current: CurrentFile): number | null {
  if (current.stage === 'importing') return null;
  return current.size === 0 ? 1 : Math.min(1, current.sent / current.size);
}

/** One line summing up a successful import. */
export function describeImported(r: ImportResult): string {
  const parts = [`${r.tasks} task${r.tasks === 1 ? '' : 's'}`, `${r.critiques} critique${r.critiques === 1 ? '' : 's'}`, `${r.flaws} flaw${r.flaws === 1 ? '' : 's'}`];
  const extra = [r.unchanged ? `${r.unchanged} unchanged` : '', r.replaced ? `${r.replaced} replaced` : ''].filter(Boolean);
  return `Imported ${parts.join(', ')} from ${r.file}${extra.length ? ` (${extra.join(', ')})` : ''}.`;
}

/**
 * An import's warnings (valid, imported, but probably wrong: a flaw on lines its change does not
 * touch) as the CLI prints them, `FILE:LINE: field: message`, then how many more were not listed.
 */
export function warningLines(r: Pick<ImportResult, 'warnings' | 'warningCount'>): string[] {
  const listed = r.warnings ?? [];
  const more = (r.warningCount ?? listed.length) - listed.length;
  return [...listed, ...(more > 0 ? [`… and ${more} more warning${more === 1 ? '' : 's'}`] : [])];
}
