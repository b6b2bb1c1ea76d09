import { useEffect, useRef, useState } from 'react';
import type { QueueEntry } from '../../../../shared/contract/review.js';
import { navigate } from '../../router.js';
import { bindingFor, keyLabel, keysOf, workspaceKeys } from './keymap.js';
import { queueProgress } from './queue-order.js';
import { isTypingTarget } from './typing.js';
import { describeExport, exportResultsOf, recipientOf, refreshPacks, usePacks, type ExportOutcome } from './results-state.js';

interface Props {
  readonly evaluator: string;
  /** The study whose items are all done; '' for practice. */
  readonly study: string;
  readonly queue: readonly QueueEntry[];
}

/**
 * What comes after the last item of a study: export the results file (it says where it went and
 * whom to send it to); after practice, back to the queue. Enter exports, `b` goes back.
 */
export function FinishedScreen({ evaluator, study, queue }: Props): React.JSX.Element {
  const packs = usePacks();
  const pack = packs?.find((p) => p.study === study && p.evaluator === evaluator);
  const part = queueProgress(queue).find((p) => p.study === study);
  const practice = queueProgress(queue).find((p) => p.study === '');
  const [outcome, setOutcome] = useState<ExportOutcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const exportButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    void refreshPacks().catch((e: Error) => setError(e.message));
  }, []);
  useEffect(() => {
    if (pack) exportButton.current?.focus();
  }, [pack]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (bindingFor(workspaceKeys, e)?.action === 'queue' && !isTypingTarget(e.target)) navigate('review');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const exportNow = async (): Promise<void> => {
    if (!pack) return;
    setBusy(true);
    setError(null);
    try {
      setOutcome(await exportResultsOf(pack.id));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const done = part ? `${part.done} of ${part.total}` : null;
  const unfinished = part !== undefined && part.done < part.total;
  return (
    <section className="finished" aria-labelledby="finished-title">
      <h1 id="finished-title">{study === '' ? 'Practice done' : unfinished ? `Study ${study}: ${done} done` : `Study ${study} is done`}</h1>
      {study === '' ? (
        <p>You have reviewed every practice item. Practice reviews stay on this computer: nobody needs them.</p>
      ) : (
        <p>
          {unfinished
            ? `${part!.total - part!.done} item${part!.total - part!.done === 1 ? ' is' : 's are'} still open in your queue. You can export what you have finished now and again later.`
            : `You have finished all ${part?.total ?? ''} items (${done}).`}
        </p>
      )}

      {study !== '' && pack && (
        <div className="finished-export">
          <h2>Send your results</h2>
          <p>
            Export the results file and send it to <strong>{recipientOf(pack.researcher)}</strong> (by e-mail or however you agreed). It holds your finished reviews of
            this study and proves it came from your pack; nothing else from this computer.
          </p>
          <div className="row">
            <button ref={exportButton} type="button" className="primary" onClick={() => void exportNow()} disabled={busy}>
              {pack.lastExport ? 'Export results again…' : 'Export results…'}
            </button>
            <span className="muted small">Enter</span>
          </div>
          {outcome && (
            <p role="status" className={`notice${outcome.kind === 'cancelled' ? ' muted' : ''}`}>
              {describeExport(outcome)}
            </p>
          )}
          {!outcome && pack.lastExport && (
            <p className="muted small">
              Last exported {new Date(pack.lastExport.at).toLocaleString()}: {pack.lastExport.reviews} review{pack.lastExport.reviews === 1 ? '' : 's'}
              {pack.lastExport.savedTo ? ` to ${pack.lastExport.savedTo}` : ` as ${pack.lastExport.fileName}`}.
              {pack.unexported > 0 ? ` ${pack.unexported} finished since then (or reopened and finished again): export again.` : ' Nothing new since.'}
            </p>
          )}
          <p className="muted small">To change a review, open it from the queue and reopen it ({keyLabel(keysOf('reopen'))}); then export again.</p>
        </div>
      )}
      {study !== '' && packs !== null && !pack && (
        <p className="muted">These reviews are saved in this database, where the researcher reads them: there is no file to send.</p>
      )}
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      <div className="row">
        <button type="button" onClick={() => navigate('review')} aria-keyshortcuts={keysOf('queue')}>
          ← Queue
        </button>
        {study !== '' && practice && practice.done < practice.total && (
          <span className="muted small">
            Practice: {practice.total - practice.done} item{practice.total - practice.done === 1 ? '' : 's'} left in your queue (not part of the study).
          </span>
        )}
      </div>
    </section>
  );
}
