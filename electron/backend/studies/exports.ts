import type { AnyDb, WritableDb } from '../db/types.js';
import { exportResults, type ExportedResults } from './results.js';

// Which results the evaluator has handed out. A finished review counts as exported when some
// results file of its pack held it at its current step (its log's last seq): a review reopened and
// finished again after an export is "not exported" until the next one. The finished screen, the
// packs list and the close reminders (desktop and browser) read this.

/** Records that a results file was handed to the evaluator (saved, or offered for download). */
export function recordResultsExport(
  db: WritableDb,
  results: Pick<ExportedResults, 'fileName' | 'pack' | 'held'> & { readonly hash: string },
  savedTo: string | null,
  now = Date.now(),
): void {
  db.transaction(() => {
    const id = Number(
      db
        .prepare(
          `INSERT INTO result_exports (pack_id, file_name, saved_to, content_hash, reviews, exported_at)
           VALUES ($pack, $fileName, $savedTo, $hash, $reviews, $now)`,
        )
        .run({ pack: results.pack.id, fileName: results.fileName, savedTo, hash: results.hash, reviews: results.held.length, now }).lastInsertRowid,
    );
    const held = db.prepare('INSERT INTO result_export_reviews (export_id, review_id, last_seq) VALUES ($id, $review, $seq)');
    for (const r of results.held) held.run({ id, review: r.review, seq: r.seq });
  }).immediate();
}

/** What the evaluator's side knows about a pack's exports. */
export interface ExportState {
  /** Finished reviews of the pack that no export holds at their current step. */
  readonly unexported: number;
  readonly lastExport: { readonly at: number; readonly fileName: string; readonly savedTo: string | null; readonly reviews: number } | null;
}

/** The export state of an opened pack (by the pack's id, study and evaluator). */
export function exportState(db: AnyDb, pack: { readonly id: string; readonly study: string; readonly evaluator: string }): ExportState {
  const { unexported } = db
    .prepare(
      `SELECT count(*) AS unexported FROM queue_items q JOIN reviews r ON r.queue_item_id = q.id
        WHERE q.study = $study AND q.evaluator_id = $evaluator AND r.status IN ('submitted', 'skipped')
          AND NOT EXISTS (SELECT 1 FROM result_export_reviews x JOIN result_exports e ON e.id = x.export_id
                           WHERE x.review_id = r.id AND x.last_seq = r.last_seq AND e.pack_id = $pack)`,
    )
    .get({ study: pack.study, evaluator: pack.evaluator, pack: pack.id }) as { unexported: number };
  const last = db
    .prepare('SELECT exported_at, file_name, saved_to, reviews FROM result_exports WHERE pack_id = $pack ORDER BY exported_at DESC, id DESC LIMIT 1')
    .get({ pack: pack.id }) as { exported_at: number; file_name: string; saved_to: string | null; reviews: number } | undefined;
  return { unexported, lastExport: last ? { at: last.exported_at, fileName: last.file_name, savedTo: last.saved_to, reviews: last.reviews } : null };
}

/** Asks where to save a file and writes it there; resolves to the path, or undefined when cancelled. */
export type SaveFile = (title: string, defaultName: string, content: string) => Promise<string | undefined>;

/** What handing out a results file did. */
export interface SavedResults {
  readonly fileName: string;
  /** The file's text when the caller must offer it itself (browser mode: a download); null when saved. */
  readonly content: string | null;
  /** Where it was saved (desktop); null when offered for download or cancelled. */
  readonly savedTo: string | null;
  readonly cancelled: boolean;
  readonly reviews: number;
  readonly pack: string;
  readonly study: string;
  readonly evaluator: string;
  readonly researcher: string | null;
}

/**
 * Hands the evaluator the results file of an opened pack and records which reviews it holds. With
 * `save` (the desktop app: a save dialog) the file is written where the evaluator chooses; a
 * cancelled dialog records nothing. Without it (browser mode) the content comes back for the page
 * to download, and the export is recorded as offered: the back end cannot see the download itself.
 */
export async function saveResults(db: WritableDb, options: { readonly pack?: string | undefined }, save: SaveFile | undefined, now = Date.now()): Promise<SavedResults> {
  const r = exportResults(db, { pack: options.pack }, now);
  const about = { fileName: r.fileName, reviews: r.reviews, pack: r.pack.id, study: r.pack.study, evaluator: r.pack.evaluator, researcher: r.pack.researcher };
  const hash = r.file.hash;
  if (save) {
    const savedTo = await save(`Export results of ${r.pack.study}`, r.fileName, r.content);
    if (savedTo === undefined) return { ...about, content: null, savedTo: null, cancelled: true };
    recordResultsExport(db, { ...r, hash }, savedTo, now);
    return { ...about, content: null, savedTo, cancelled: false };
  }
  recordResultsExport(db, { ...r, hash }, null, now);
  return { ...about, content: r.content, savedTo: null, cancelled: false };
}
