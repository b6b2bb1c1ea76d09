import { beginReview, createEvaluator, getQueue, getReviewView, ensurePracticeQueue, listEvaluators, recordEvent, recordHeartbeat } from '../../reviews/repository.js';
import { studiesReviewedElsewhere } from '../../reviews/visibility.js';
import type { Handlers } from '../dispatch.js';
import type { HandlerContext } from './context.js';

type ReviewOpName = 'evaluators:list' | 'evaluators:create' | 'review:queue' | 'review:view' | 'review:begin' | 'review:record' | 'review:heartbeat';

/** Handlers of `evaluators:*` and `review:*`: the evaluator's side. */
export function reviewHandlers({ db }: HandlerContext): Pick<Handlers, ReviewOpName> {
  return {
    'evaluators:list': () => ({ items: listEvaluators(db) }),
    'evaluators:create': ({ displayName }) => createEvaluator(db, displayName),
    'review:queue': ({ evaluator }) => {
      ensurePracticeQueue(db, evaluator);
      return { items: getQueue(db, evaluator), elsewhere: studiesReviewedElsewhere(db, evaluator) };
    },
    'review:view': ({ evaluator, item }) => getReviewView(db, evaluator, item),
    'review:begin': ({ evaluator, item }) => beginReview(db, evaluator, item),
    'review:record': (input) => recordEvent(db, input),
    'review:heartbeat': ({ evaluator, review, activeMs }) => ({ activeMs: recordHeartbeat(db, evaluator, review, activeMs) }),
  };
}
