import type { Profile } from '../../../shared/contract/studies.js';
import { AppError } from '../../../shared/result.js';
import type { AnyDb, WritableDb } from '../db/types.js';
import { plural } from '../../../shared/plural.js';

// Evaluator profiles as the researcher's housekeeping sees them (issue #12): who has reviews, who is
// in a study, and removing a profile nothing refers to (one created by mistake on the Review screen).


interface ProfileFacts {
  readonly reviews: number;
  readonly studies: readonly string[];
  readonly packs: readonly string[];
  readonly pinned: number;
}

function facts(db: AnyDb, id: string): ProfileFacts {
  const reviews = (db.prepare('SELECT count(*) AS n FROM reviews r JOIN queue_items q ON q.id = r.queue_item_id WHERE q.evaluator_id = $id').get({ id }) as { n: number }).n;
  const studies = (
    db.prepare('SELECT s.name FROM study_evaluators se JOIN studies s ON s.id = se.study_id WHERE se.evaluator_id = $id ORDER BY s.created_at, s.name').all({ id }) as { name: string }[]
  ).map((r) => r.name);
  const packs = (db.prepare(`SELECT DISTINCT study_name AS name FROM packs WHERE evaluator_id = $id AND role = 'imported' ORDER BY study_name`).all({ id }) as { name: string }[]).map(
    (r) => r.name,
  );
  const pinned = (db.prepare('SELECT count(*) AS n FROM pinned_items p JOIN queue_items q ON q.id = p.queue_item_id WHERE q.evaluator_id = $id').get({ id }) as { n: number }).n;
  return { reviews, studies, packs, pinned };
}

/** Why profile `id` may not be removed, or null when it may. */
function removalRefusal(id: string, f: ProfileFacts): string | null {
  if (f.reviews > 0) return `"${id}" has ${plural(f.reviews, 'review')} (practice included), which would be lost`;
  if (f.studies.length > 0) return `"${id}" is an evaluator of study ${f.studies.map((s) => `"${s}"`).join(', ')}: a study's evaluators stay while the study exists`;
  if (f.packs.length > 0) return `"${id}" came with the pack of study ${f.packs.map((s) => `"${s}"`).join(', ')}`;
  if (f.pinned > 0) return `"${id}" was shown tasks (what was shown is kept for good)`;
  return null;
}

/** Every evaluator profile, oldest first, with its reviews and studies and whether it can be removed. */
export function listProfiles(db: AnyDb): Profile[] {
  const rows = db.prepare('SELECT id, display_name, created_at FROM evaluators ORDER BY created_at, id').all() as { id: string; display_name: string; created_at: number }[];
  return rows.map((r) => {
    const f = facts(db, r.id);
    const reason = removalRefusal(r.id, f);
    return {
      id: r.id,
      displayName: r.display_name,
      createdAt: r.created_at,
      reviews: f.reviews,
      studies: [...new Set([...f.studies, ...f.packs])],
      removable: { ok: reason === null, reason },
    };
  });
}

/**
 * Removes a profile nothing refers to: no review (practice included), in no study, from no pack,
 * never shown a task. Its unopened practice queue goes with it. Refused otherwise, with the reason.
 */
export function removeProfile(db: WritableDb, id: string): { id: string; queueItems: number } {
  return db
    .transaction(() => {
      if (!db.prepare('SELECT 1 FROM evaluators WHERE id = $id').get({ id })) throw new AppError('not-found', `No evaluator profile "${id}" in this database.`);
      const reason = removalRefusal(id, facts(db, id));
      if (reason) throw new AppError('conflict', `${reason}: the profile cannot be removed.`);
      const queueItems = db.prepare(`DELETE FROM queue_items WHERE evaluator_id = $id AND study = ''`).run({ id }).changes;
      db.prepare('DELETE FROM practice_sync WHERE evaluator_id = $id').run({ id });
      db.prepare('DELETE FROM evaluators WHERE id = $id').run({ id });
      return { id, queueItems };
    })
    .immediate();
}
