import { inputFor, misplacedFileMessage, recognizeFile, RECOGNIZE_HEAD_CHARS, type FileInput, type FileKind } from '../../../shared/file-kind.js';
import type { ResultsFileReport } from '../../../shared/contract/studies.js';
import { call } from '../api/client.js';
import { readFiles } from '../screens/studies/files.js';

// Every file input of the page (task import, drag and drop, Open pack, Import results, the
// welcome) goes through here: a file is recognised by its content (shared/file-kind.ts) and goes
// where it belongs — a pack is opened, results are merged, a task package is handed back to the
// caller to upload — whichever input it was given to. A task package given to an input without
// the task import's upload is not imported there: the message says where it goes.

/** What became of one file that was not a task package for the caller. */
export interface RoutedFile {
  readonly name: string;
  readonly kind: FileKind;
  readonly ok: boolean;
  readonly message: string;
  /** A pack that was opened: its evaluator (the Review place opens on their queue). */
  readonly evaluator?: string;
  /** Results that were merged: the reports, for the caller that shows them in full. */
  readonly reports?: readonly ResultsFileReport[];
}

/** The kind of a chosen or dropped file, from its first 64 KiB. */
export async function kindOfFile(file: File): Promise<FileKind> {
  const head = new TextDecoder('utf-8').decode(await file.slice(0, RECOGNIZE_HEAD_CHARS).arrayBuffer());
  return recognizeFile(head);
}

/** One line for a results import report. */
export function describeResults(r: ResultsFileReport): string {
  if (r.status === 'refused') return r.error ?? `${r.file}: refused.`;
  const parts = [`${r.added} review${r.added === 1 ? '' : 's'} added`, `${r.unchanged} already here`];
  if (r.revised > 0) parts.push(`${r.revised} newer revision${r.revised === 1 ? '' : 's'} merged`);
  if (r.conflicts.length > 0) parts.push(`${r.conflicts.length} conflict${r.conflicts.length === 1 ? '' : 's'} (nothing overwritten)`);
  return `${r.file}: results merged into study ${r.study ?? '?'}: ${parts.join(', ')}.`;
}

/**
 * Sorts files by content for `input`. Returns the files the caller handles itself (those of its own
 * kind, or of no known kind: its own checks explain what is wrong) and what was done with the rest.
 */
export async function routeFiles(files: readonly File[], input: FileInput): Promise<{ readonly own: File[]; readonly routed: RoutedFile[] }> {
  const own: File[] = [];
  const routed: RoutedFile[] = [];
  for (const file of files) {
    let kind: FileKind;
    try {
      kind = await kindOfFile(file);
    } catch (err) {
      routed.push({ name: file.name, kind: 'unknown', ok: false, message: `${file.name}: cannot read the file (${(err as Error).message}).` });
      continue;
    }
    const belongs = inputFor[kind];
    if (belongs === null || belongs === input) {
      own.push(file);
      continue;
    }
    if (belongs === 'task-import') {
      routed.push({ name: file.name, kind, ok: false, message: misplacedFileMessage(file.name, kind, input)! });
      continue;
    }
    routed.push(await openElsewhere(file, kind, belongs));
  }
  return { own, routed };
}

/** Opens a pack or merges results given to another input: the right thing, said in words. */
async function openElsewhere(file: File, kind: FileKind, belongs: Exclude<FileInput, 'task-import'>): Promise<RoutedFile> {
  try {
    const [content] = await readFiles([file]);
    if (belongs === 'pack-open') {
      const r = await call('packs:import', content!);
      return {
        name: file.name,
        kind,
        ok: true,
        evaluator: r.evaluator,
        message: `${file.name} is a pack from your researcher: ${r.unchanged ? 'it was already open' : 'opened it'}: ${r.items} item${r.items === 1 ? '' : 's'} for ${r.evaluator} in study ${r.study}. Review them in the Review place.`,
      };
    }
    const reports = await call('results:import', { files: [content!] });
    const bad = reports.some((r) => r.status === 'refused' || r.conflicts.length > 0);
    return { name: file.name, kind, ok: !bad, reports, message: reports.map(describeResults).join(' ') };
  } catch (err) {
    return { name: file.name, kind, ok: false, message: `${file.name}: ${(err as Error).message}` };
  }
}
