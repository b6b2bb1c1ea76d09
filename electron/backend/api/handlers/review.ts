import {
  beginReview,
  createEvaluator,
  endReviewsPastTheirTime,
  getQueue,
  getReviewView,
  ensurePracticeQueue,
  listEvaluators,
  recordEvent,
  recordHeartbeat,
} from '../../reviews/repository.js';
import { studiesReviewedElsewhere } from '../../reviews/visibility.js';
import type { AnyDb } from '../../db/types.js';
import type { Handlers } from '../dispatch.js';
import type { HandlerContext } from './context.js';

type ReviewOpName = 'evaluators:list' | 'evaluators:create' | 'review:queue' | 'review:view' | 'review:begin' | 'review:record' | 'review:heartbeat';

/**
 * The read-only half of `review:queue` (the queue as it stands), which also runs on a read-only
 * connection; the back end brings the practice queue up to date first (see backend.ts).
 */
export function reviewReadHandlers(db: AnyDb): Pick<Handlers, 'review:queue'> {
  return {
    'review:queue': ({ evaluator }) => ({ items: getQueue(db, evaluator), elsewhere: studiesReviewedElsewhere(db, evaluator) }),
  };
}

/** Handlers of `evaluators:*` and `review:*`: the evaluator's side. */
export function reviewHandlers({ db }: HandlerContext): Pick<Handlers, ReviewOpName> {
  const read = reviewReadHandlers(db);
  return {
    'evaluators:list': () => ({ items: listEvaluators(db) }),
    'evaluators:create': ({ displayName }) => createEvaluator(db, displayName),
    'review:queue': ({ evaluator }) => {
      ensurePracticeQueue(db, evaluator);
      endReviewsPastTheirTime(db, evaluator);
      return read['review:queue']({ evaluator });
    },
    'review:view': ({ evaluator, item }) => getReviewView(db, evaluator, item),
    'review:begin': ({ evaluator, item }) => beginReview(db, evaluator, item),
    'review:record': (input) => recordEvent(db, input),
    'review:heartbeat': ({ evaluator, review, activeMs }) => ({ activeMs: recordHeartbeat(db, evaluator, review, activeMs) }),
  };
}
