import type { WritableDb } from '../../electron/backend/db/types.js';
import { beginReview, getReviewView } from '../../electron/backend/reviews/repository.js';
import type { ReviewView } from '../../shared/contract/review.js';

/** Starts a review as the UI does (`review:begin`, then the view) and returns the view: critiques under their neutral ids. */
export function startReview(db: WritableDb, evaluator: string, item: number, now = Date.now()): ReviewView {
  beginReview(db, evaluator, item, now);
  return getReviewView(db, evaluator, item);
}
