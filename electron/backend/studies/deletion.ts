import type { AnyDb } from '../db/types.js';
import { plural } from '../../../shared/plural.js';

// What may delete a study (docs/studies.md, "Housekeeping"): only a study that never showed
// anything. Kept apart from housekeeping.ts so that the study view (repository.ts) can say it too.


/** Why study `study` may not be deleted, or null when it may (it never showed anything). */
export function studyDeletionRefusal(db: AnyDb, study: { readonly id: string; readonly name: string; readonly frozen_at: number | null }): string | null {
  const packs = (db.prepare(`SELECT count(*) AS n FROM packs WHERE study_id = $id AND role = 'exported'`).get({ id: study.id }) as { n: number }).n;
  const reviews = (
    db.prepare('SELECT count(*) AS n FROM queue_items q JOIN reviews r ON r.queue_item_id = q.id WHERE q.study = $name').get({ name: study.name }) as { n: number }
  ).n;
  const merged = (db.prepare('SELECT count(*) AS n FROM result_imports WHERE study_id = $id').get({ id: study.id }) as { n: number }).n;
  const what = [
    ...(packs > 0 ? [`issued ${plural(packs, 'pack')} (their secrets and pins are the record of what each evaluator was shown, and results may still come back)`] : []),
    ...(reviews > 0 ? [`holds ${plural(reviews, 'review')}`] : []),
    ...(merged > 0 ? [`merged ${plural(merged, 'results file')}`] : []),
    ...(packs === 0 && reviews === 0 && merged === 0 && study.frozen_at !== null ? ['has shown its tasks to evaluators'] : []),
  ];
  if (what.length === 0) return null;
  return `study "${study.name}" ${what.join(' and ')}: it cannot be deleted. Close it, then archive it to hide it (everything is kept).`;
}

