import type { AnyDb } from '../db/types.js';

// The one guard for changing a task that exists. Every path that would replace a task or change its
// critiques or flaws asks it first (`assay import --replace` and the UI's "Replace changed tasks",
// the critic adding, regenerating and removing critiques; later: SARIF imports), and the triggers
// of migrations 5 and 12 refuse the same changes for any path that does not. Why: once a study or a review has shown a task, results refer to it by
// position (k1…kn) and by content; a changed task would move a decision to a critique the evaluator
// never saw.

interface GuardStatements {
  readonly studies: { all(params: { task: string }): unknown[] };
  readonly pinned: { get(params: { task: string }): unknown };
  readonly reviews: { get(params: { task: string }): unknown };
  readonly studyShown: { get(params: { task: string }): unknown };
}

/**
 * What a path wants to do to a task: `replace` it or change its critiques or flaws in any way, or
 * only `add-critiques` (a critic appending generated critiques, which leaves every earlier critique
 * and so every earlier pin as it was).
 */
export type TaskChange = 'replace' | 'add-critiques';

const cache = new WeakMap<AnyDb, GuardStatements>();

function statements(db: AnyDb): GuardStatements {
  let s = cache.get(db);
  if (!s) {
    s = {
      studies: db.prepare(
        `SELECT s.name, s.state, (SELECT count(*) FROM pack_issues pi JOIN packs p ON p.id = pi.pack_id AND p.role = pi.role
                                   WHERE p.study_id = s.id AND pi.role = 'exported') AS issued
           FROM study_tasks st JOIN studies s ON s.id = st.study_id
          WHERE st.task_id = $task AND s.frozen_at IS NOT NULL ORDER BY s.created_at, s.name`,
      ),
      pinned: db.prepare(
        `SELECT count(*) AS n, group_concat(DISTINCT nullif(q.study, '')) AS studies FROM pinned_items p JOIN queue_items q ON q.id = p.queue_item_id
          WHERE p.task_id = $task`,
      ),
      reviews: db.prepare('SELECT count(*) AS n FROM reviews r JOIN queue_items q ON q.id = r.queue_item_id WHERE q.task_id = $task'),
      studyShown: db.prepare(
        `SELECT count(*) AS n, group_concat(DISTINCT q.study) AS studies FROM queue_items q
          WHERE q.task_id = $task AND q.study <> ''
            AND (EXISTS (SELECT 1 FROM pinned_items p WHERE p.queue_item_id = q.id) OR EXISTS (SELECT 1 FROM reviews r WHERE r.queue_item_id = q.id))`,
      ),
    };
    cache.set(db, s);
  }
  return s;
}

/**
 * Why the task with id `taskId` may not be replaced or otherwise changed, or null when it may. A
 * task is frozen once it was shown: it is in a study that issued a pack or started a review, an
 * item of it was pinned (an opened pack, a started review), or it has reviews. The message names the
 * task and the studies.
 *
 * `add-critiques` is refused only when a study showed the task (its study froze, or an item of a
 * study — an opened pack — was pinned or reviewed): a study's items show exactly what they were
 * pinned to, and a condition's policy must see the same critiques for every evaluator. Practice
 * reviews do not stop it: their pins keep the critiques they showed, and the practice queue shows
 * every critique anyway ("Ask the critic" adds critiques to the practice review under way).
 */
export function taskChangeRefusal(db: AnyDb, taskId: string, change: TaskChange = 'replace'): string | null {
  const s = statements(db);
  const studies = s.studies.all({ task: taskId }) as { name: string; state: string; issued: number }[];
  if (studies.length > 0) {
    const list = studies.map((x) => `"${x.name}" (${x.issued > 0 ? `${x.issued} pack${x.issued === 1 ? '' : 's'} issued` : 'reviews started'}${x.state === 'closed' ? ', closed' : ''})`);
    return change === 'add-critiques'
      ? `task "${taskId}" belongs to study ${list.join(', ')}, which has started: no critique can be added to its tasks, or conditions would show different critiques to different evaluators.`
      : `task "${taskId}" belongs to study ${list.join(', ')}, which has started: its tasks cannot be replaced or changed, or results would be credited to content the evaluators never saw. Import the new version under a new id.`;
  }
  if (change === 'add-critiques') {
    const shown = s.studyShown.get({ task: taskId }) as { n: number; studies: string | null };
    return shown.n > 0 ? `task "${taskId}" was already shown to an evaluator in study "${shown.studies}" (from an opened pack): no critique can be added to it.` : null;
  }
  const reviews = (s.reviews.get({ task: taskId }) as { n: number }).n;
  if (reviews > 0) {
    return `task "${taskId}" already has ${reviews} review${reviews === 1 ? '' : 's'}: it cannot be replaced or changed; import the new version under a new id.`;
  }
  const pinned = s.pinned.get({ task: taskId }) as { n: number; studies: string | null };
  if (pinned.n > 0) {
    return `task "${taskId}" was already shown to an evaluator${pinned.studies ? ` in study "${pinned.studies}" (from an opened pack)` : ''}: it cannot be replaced or changed; import the new version under a new id.`;
  }
  return null;
}
