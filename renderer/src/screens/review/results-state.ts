import { useSyncExternalStore } from 'react';
import type { ImportedPack } from '../../../../shared/contract/studies.js';
import { assertNever } from '../../../../shared/result.js';
import { call } from '../../api/client.js';
import { downloadText } from '../studies/files.js';

// The packs opened in this database and what of their results was exported, shared by the queue,
// the finished screen, the Studies place and the reminder before the page closes (browser mode;
// the desktop app asks in its shell). The back end keeps the truth; this is the page's copy.

let packs: readonly ImportedPack[] | null = null;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Reads the packs again (after a submit, an export, an opened pack). */
export async function refreshPacks(): Promise<readonly ImportedPack[]> {
  const fresh = await call('packs:list', {});
  packs = fresh;
  for (const l of listeners) l();
  return fresh;
}

/** The packs opened here, kept fresh by {@link refreshPacks}; null until first read. */
export function usePacks(): readonly ImportedPack[] | null {
  return useSyncExternalStore(subscribe, () => packs);
}

/** Finished reviews that no export holds yet, over every pack. */
export function unexportedReviews(list: readonly ImportedPack[] | null = packs): number {
  return (list ?? []).reduce((n, p) => n + p.unexported, 0);
}

/**
 * Asks the browser to confirm leaving while finished reviews are not exported (browser mode: the
 * browser shows its own question; the page's reminder is on the queue and the finished screen).
 */
export function installUnloadReminder(): () => void {
  const onBeforeUnload = (e: BeforeUnloadEvent): void => {
    if (unexportedReviews() === 0) return;
    e.preventDefault();
    // (older engines ask only when a return value is set; its text is never shown)
    e.returnValue = 'unexported';
  };
  window.addEventListener('beforeunload', onBeforeUnload);
  return () => window.removeEventListener('beforeunload', onBeforeUnload);
}

/** What exporting results did, for the page to say. */
export interface ExportOutcome {
  readonly kind: 'saved' | 'downloaded' | 'cancelled';
  readonly fileName: string;
  readonly savedTo: string | null;
  readonly reviews: number;
  /** Whom to send the file to, in words. */
  readonly recipient: string;
}

/** Whom results go to: the researcher the pack names, else the one who sent it. */
export function recipientOf(researcher: string | null): string {
  return researcher ?? 'the researcher who sent you the pack';
}

/**
 * Hands the evaluator the results file of a pack: the desktop app asks where to save it; browser
 * mode downloads it. The back end records which reviews it held.
 */
export async function exportResultsOf(pack: string): Promise<ExportOutcome> {
  const r = await call('results:save', { pack });
  if (r.content !== null) downloadText(r.fileName, r.content);
  void refreshPacks().catch(() => undefined);
  return {
    kind: r.cancelled ? 'cancelled' : r.savedTo !== null ? 'saved' : 'downloaded',
    fileName: r.fileName,
    savedTo: r.savedTo,
    reviews: r.reviews,
    recipient: recipientOf(r.researcher),
  };
}

/** One sentence on where the file went and whom to send it to. */
export function describeExport(o: ExportOutcome): string {
  const what = `${o.reviews} finished review${o.reviews === 1 ? '' : 's'}`;
  switch (o.kind) {
    case 'cancelled':
      return 'Not exported: the save dialog was closed. Nothing changed.';
    case 'saved':
      return `Saved ${what} to ${o.savedTo}. Send this file to ${o.recipient}.`;
    case 'downloaded':
      return `Downloaded ${what} as ${o.fileName} (your browser keeps it in its downloads folder). Send this file to ${o.recipient}.`;
    default:
      return assertNever(o.kind, 'export outcome');
  }
}
