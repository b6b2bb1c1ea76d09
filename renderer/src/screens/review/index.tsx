import { useCallback, useEffect, useState } from 'react';
import type { Evaluator, QueueEntry } from '../../../../shared/contract/review.js';
import { call } from '../../api/client.js';
import { navigate, type Location } from '../../router.js';
import { useEvaluatorChoice } from './profile.js';
import { prefetchView } from './prefetch.js';
import { Workspace } from './workspace.js';
import './review.css';

/** The evaluator's place: choose a profile, see the queue, review an item (`#/review/ITEM`). */
export function ReviewScreen({ location }: { readonly location: Location }): React.JSX.Element {
  const [evaluator, setEvaluator] = useEvaluatorChoice();
  const [queue, setQueue] = useState<readonly QueueEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const itemParam = location.params[0];
  const item = itemParam && /^\d+$/.test(itemParam) ? Number(itemParam) : null;

  const loadQueue = useCallback(() => {
    if (!evaluator) return;
    call('review:queue', { evaluator })
      .then((r) => {
        setQueue(r.items);
        setError(null);
      })
      .catch((e: Error & { code?: string }) => {
        if (e.code === 'not-found') setEvaluator(null);
        else setError(e.message);
      });
  }, [evaluator, setEvaluator]);

  useEffect(() => {
    setQueue(null);
    loadQueue();
  }, [loadQueue]);

  // Coming back to the queue shows fresh statuses.
  useEffect(() => {
    if (item === null) loadQueue();
  }, [item, loadQueue]);

  const onStatus = useCallback((id: number, status: QueueEntry['status']) => {
    setQueue((q) => (q && q.some((e) => e.id === id && e.status !== status) ? q.map((e) => (e.id === id ? { ...e, status } : e)) : q));
  }, []);

  if (!evaluator) return <ProfilePicker onChoose={setEvaluator} />;
  if (error) return <div role="alert" className="error-banner">{error}</div>;
  if (item !== null) {
    return (
      <Workspace
        key={item}
        evaluator={evaluator}
        item={item}
        queue={queue ?? []}
        onBack={() => navigate('review')}
        onOpen={(id) => navigate('review', String(id))}
        onStatus={onStatus}
      />
    );
  }
  if (!queue) return <div className="placeholder" aria-busy="true" />;
  return <QueueList evaluator={evaluator} queue={queue} onSwitch={() => setEvaluator(null)} />;
}

function ProfilePicker({ onChoose }: { readonly onChoose: (id: string) => void }): React.JSX.Element {
  const [profiles, setProfiles] = useState<readonly Evaluator[] | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    call('evaluators:list', {})
      .then((r) => setProfiles(r.items))
      .catch((e: Error) => setError(e.message));
  }, []);
  const create = (e: React.FormEvent): void => {
    e.preventDefault();
    call('evaluators:create', { displayName: name })
      .then((p) => onChoose(p.id))
      .catch((err: Error) => setError(err.message));
  };
  return (
    <section className="profile-picker" aria-labelledby="who-title">
      <h1 id="who-title">Who is reviewing?</h1>
      <p className="muted">Your reviews are saved under your profile on this computer.</p>
      {profiles && profiles.length > 0 && (
        <ul className="profile-list">
          {profiles.map((p) => (
            <li key={p.id}>
              <button type="button" onClick={() => onChoose(p.id)}>
                {p.displayName}
              </button>
              <span className="muted small mono">{p.id}</span>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={create} className="new-profile">
        <label className="field">
          <span>{profiles && profiles.length > 0 ? 'Or create a new profile' : 'Create your profile'}</span>
          <input type="text" value={name} onChange={(e) => setName(e.target.value)} placeholder="Your name or evaluator code" />
        </label>
        <button type="submit" className="primary" disabled={!name.trim()}>
          Create profile
        </button>
      </form>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
    </section>
  );
}

const statusText: Readonly<Record<QueueEntry['status'], string>> = { new: 'Not started', open: 'In progress', submitted: 'Submitted', skipped: 'Skipped' };

function QueueList({ evaluator, queue, onSwitch }: { readonly evaluator: string; readonly queue: readonly QueueEntry[]; readonly onSwitch: () => void }): React.JSX.Element {
  const done = queue.filter((q) => q.status === 'submitted' || q.status === 'skipped').length;
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
  const groups = [...new Set(queue.map((q) => q.study))];
  // Long queues: render a window around where the evaluator is, more on request.
  const [showAll, setShowAll] = useState(false);
  const limit = 300;
  const resumeAt = resume ? queue.indexOf(resume) : 0;
  const windowStart = showAll ? 0 : Math.max(0, Math.min(resumeAt - 20, queue.length - limit));
  const shown = new Set(showAll ? queue : queue.slice(windowStart, windowStart + limit));
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
            {resume.status === 'open' ? 'Resume' : done > 0 ? 'Continue' : 'Start'} reviewing
          </button>
        )}
      </div>
      <div className="progress-line">
        <div role="progressbar" aria-label="Queue progress" aria-valuemin={0} aria-valuemax={queue.length} aria-valuenow={done} className="progress">
          <div className="progress-fill" style={{ width: `${queue.length ? (100 * done) / queue.length : 0}%` }} />
        </div>
        <span className="small muted">
          {done} of {queue.length} done
        </span>
      </div>
      {queue.length === 0 && <p className="muted">No items yet. Import tasks (Tasks) or open a study pack.</p>}
      {groups.filter((g) => queue.some((q) => q.study === g && shown.has(q))).map((g) => (
        <div key={g} className="queue-group">
          <h2>{g === '' ? 'Practice' : g}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Item</th>
                <th scope="col">Kind</th>
                <th scope="col">Set</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {queue
                .filter((q) => q.study === g && shown.has(q))
                .map((q) => (
                  <tr key={q.id} className={`status-${q.status}`}>
                    <td className="num muted">{queue.indexOf(q) + 1}</td>
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
                    <td className="muted">{q.label}</td>
                    <td>
                      <span className={`status-pill status-${q.status}`}>{statusText[q.status]}</span>
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      ))}
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
