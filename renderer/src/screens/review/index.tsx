import { useCallback, useEffect, useState } from 'react';
import type { OpOutput } from '../../../../shared/contract/index.js';
import type { QueueEntry } from '../../../../shared/contract/review.js';
import { afterNextPaint } from '../../after-paint.js';
import { call } from '../../api/client.js';
import { navigate, type Location } from '../../router.js';
import { FinishedScreen } from './finished.js';
import { useEvaluatorChoice } from './profile.js';
import { ProfilePicker } from './profile-picker.js';
import { QueueList } from './queue-list.js';
import { refreshPacks } from './results-state.js';
import { Workspace } from './workspace.js';
import './review.css';

type Queue = OpOutput<'review:queue'>;

/**
 * The evaluator's place: choose a profile, see the queue (`#/review`), review an item
 * (`#/review/ITEM`), and the finished screen of a study (`#/review/done/STUDY`; practice: `#/review/done`).
 */
export function ReviewScreen({ location }: { readonly location: Location }): React.JSX.Element {
  const [evaluator, setEvaluator] = useEvaluatorChoice();
  const [queue, setQueue] = useState<Queue | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [first, second] = location.params;
  const item = first && /^\d+$/.test(first) ? Number(first) : null;
  const finished = first === 'done' ? (second ?? '') : null;

  const loadQueue = useCallback(() => {
    if (!evaluator) return;
    call('review:queue', { evaluator })
      .then((r) => {
        setQueue(r);
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

  // Coming back to the queue (or to a finished screen) shows fresh statuses.
  useEffect(() => {
    if (item === null) loadQueue();
  }, [item, loadQueue]);

  const onStatus = useCallback((id: number, status: QueueEntry['status']) => {
    setQueue((q) => (q && q.items.some((e) => e.id === id && e.status !== status) ? { ...q, items: q.items.map((e) => (e.id === id ? { ...e, status } : e)) } : q));
    // a finished (or reopened) review changes what is left to export (asked after the item's
    // first frame, which should not wait for the request)
    if (status !== 'new') afterNextPaint(() => void refreshPacks().catch(() => undefined));
  }, []);

  const onFinished = useCallback((study: string) => (study === '' ? navigate('review', 'done') : navigate('review', 'done', study)), []);

  if (!evaluator) return <ProfilePicker onChoose={setEvaluator} />;
  if (error) return <div role="alert" className="error-banner">{error}</div>;
  if (item !== null) {
    return (
      <Workspace
        key={item}
        evaluator={evaluator}
        item={item}
        queue={queue?.items ?? []}
        onBack={() => navigate('review')}
        onOpen={(id) => navigate('review', String(id))}
        onFinished={onFinished}
        onStatus={onStatus}
      />
    );
  }
  if (!queue) return <div className="placeholder" aria-busy="true" />;
  if (finished !== null) return <FinishedScreen evaluator={evaluator} study={finished} queue={queue.items} />;
  return <QueueList evaluator={evaluator} queue={queue.items} elsewhere={queue.elsewhere} onSwitch={() => setEvaluator(null)} />;
}
