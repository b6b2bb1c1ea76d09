import { useEffect, useState } from 'react';
import type { OpOutput } from '../../../../shared/contract/index.js';
import type { QueueEntry } from '../../../../shared/contract/review.js';
import { navigate } from '../../router.js';
import { prefetchView } from './prefetch.js';
import { queueProgress } from './queue-order.js';
import { refreshPacks, usePacks } from './results-state.js';

const statusText: Readonly<Record<QueueEntry['status'], string>> = { new: 'Not started', open: 'In progress', submitted: 'Submitted', skipped: 'Skipped' };

interface Props {
  readonly evaluator: string;
  readonly queue: readonly QueueEntry[];
  /** Studies of this profile reviewed from packs (the researcher's database): not here, and why. */
  readonly elsewhere: OpOutput<'review:queue'>['elsewhere'];
  readonly onSwitch: () => void;
}

/**
 * The evaluator's queue: each study with its own progress, then practice with its own (practice
 * never counts towards a study). Enter resumes where the evaluator left off.
 */
export function QueueList({ evaluator, queue, elsewhere, onSwitch }: Props): React.JSX.Element {
  const packs = usePacks();
  useEffect(() => {
    void refreshPacks().catch(() => undefined);
  }, []);
  const resume = queue.find((q) => q.status === 'open') ?? queue.find((q) => q.status === 'new');
  useEffect(() => {
    if (resume) prefetchView(evaluator, resume.id);
  }, [evaluator, resume]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Enter' && resume && e.target === document.body) navigate('review', String(resume.id));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [resume]);
  const parts = queueProgress(queue);
  const started = queue.some((q) => q.status !== 'new');
  // Long queues: render a window around where the evaluator is, more on request.
  const [showAll, setShowAll] = useState(false);
  const limit = 300;
  const resumeAt = resume ? queue.indexOf(resume) : 0;
  const windowStart = showAll ? 0 : Math.max(0, Math.min(resumeAt - 20, queue.length - limit));
  const shown = new Set(showAll ? queue : queue.slice(windowStart, windowStart + limit));
  const position = new Map(queue.map((q, i) => [q.id, i + 1]));
  return (
    <section className="queue" aria-labelledby="queue-title">
      <div className="queue-head">
        <h1 id="queue-title">Your queue</h1>
        <span className="muted">
          {evaluator} ·{' '}
          <button type="button" className="link" onClick={onSwitch}>
            switch profile
          </button>
        </span>
        <span className="spacer" />
        {resume && (
          <button type="button" className="primary" onClick={() => navigate('review', String(resume.id))} autoFocus>
            {resume.status === 'open' ? 'Resume' : started ? 'Continue' : 'Start'} {resume.study === '' ? 'practice' : 'reviewing'}
          </button>
        )}
      </div>

      {elsewhere.map((e) => (
        <div key={e.study} className="notice elsewhere" role="note">
          <strong>Study {e.study}</strong> ({e.items} item{e.items === 1 ? '' : 's'} for {evaluator}) is not reviewed here: it is reviewed from packs, on each evaluator&apos;s own
          computer, so that a review made here and one from the pack can never collide. Export {evaluator}&apos;s pack on{' '}
          <a
            href={`#/studies/${encodeURIComponent(e.study)}`}
            onClick={(ev) => {
              ev.preventDefault();
              navigate('studies', e.study);
            }}
          >
            Studies → {e.study}
          </a>{' '}
          and give it to them; their results come back as a file ({e.finished} of {e.items} in so far). A study meant to be reviewed on this computer is created with
          “Review on this computer”.
        </div>
      ))}

      {queue.length === 0 && elsewhere.length === 0 && (
        <p className="muted">
          Nothing to review yet. If a researcher sent you a pack, open it (Studies → Open pack…); to practise, import tasks (Tasks) or load the demo tasks.
        </p>
      )}
      {parts
        .filter((part) => queue.some((q) => q.study === part.study && shown.has(q)))
        .map((part) => {
          const pack = packs?.find((p) => p.study === part.study && p.evaluator === evaluator);
          const name = part.study === '' ? 'practice' : part.study;
          // the Set column says nothing when every item of the part is plain practice
          const sets = queue.some((q) => q.study === part.study && q.label !== 'Practice');
          return (
            <div key={part.study} className="queue-group">
              <div className="queue-group-head">
                <h2>
                  {part.study === '' ? (
                    'Practice · not part of any study'
                  ) : (
                    <>
                      Study <span className="verbatim">{part.study}</span>
                    </>
                  )}
                </h2>
                <div role="progressbar" aria-label={`Progress of ${name}`} aria-valuemin={0} aria-valuemax={part.total} aria-valuenow={part.done} className="progress">
                  <div className="progress-fill" style={{ width: `${part.total ? (100 * part.done) / part.total : 0}%` }} />
                </div>
                <span className="small muted">
                  {part.done} of {part.total} done
                </span>
                {pack && (pack.unexported > 0 || part.done === part.total) && (
                  <span className="small">
                    {pack.unexported > 0 ? `${pack.unexported} not exported yet · ` : ''}
                    <a
                      href={`#/review/done/${encodeURIComponent(part.study)}`}
                      onClick={(ev) => {
                        ev.preventDefault();
                        navigate('review', 'done', part.study);
                      }}
                    >
                      Export results…
                    </a>
                  </span>
                )}
              </div>
              <table>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Item</th>
                    <th scope="col">Kind</th>
                    {sets && <th scope="col">Set</th>}
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {queue
                    .filter((q) => q.study === part.study && shown.has(q))
                    .map((q) => (
                      <tr key={q.id} className={`status-${q.status}`}>
                        <td className="num muted">{position.get(q.id)}</td>
                        <td>
                          <a
                            href={`#/review/${q.id}`}
                            onClick={(e) => {
                              e.preventDefault();
                              navigate('review', String(q.id));
                            }}
                          >
                            {q.title ?? q.taskId}
                          </a>
                        </td>
                        <td>{q.kind === 'code' ? 'Code' : 'Summary'}</td>
                        {sets && <td className="muted">{q.label}</td>}
                        <td>
                          <span className={`status-pill status-${q.status}`}>{statusText[q.status]}</span>
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
          );
        })}
      {shown.size < queue.length && (
        <p className="muted small">
          Showing items {windowStart + 1}–{windowStart + shown.size} of {queue.length}.{' '}
          <button type="button" className="link" onClick={() => setShowAll(true)}>
            Show all
          </button>
        </p>
      )}
    </section>
  );
}
