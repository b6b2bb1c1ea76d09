import type { CriticInfo } from '../../../shared/contract/critic.js';
import { sweepCritic, type SweepRow, type SweepTask } from '../../../shared/critic/sweep.js';
import { parseOperatingPoint, type OperatingPoint } from '../../../shared/policy.js';
import { AppError } from '../../../shared/result.js';
import type { AnyDb } from '../db/types.js';
import { storedRange } from '../reviews/visibility.js';
import { visibleTask } from '../tasks/staging.js';
import { endpointHost } from './client.js';
import { listCritics } from './repository.js';

/** Every critic with what it has generated. */
export function criticInfos(db: AnyDb): CriticInfo[] {
  const counts = db.prepare(
    `SELECT (SELECT count(DISTINCT task_id) FROM critic_samples WHERE critic = $name) AS tasks,
            (SELECT count(*) FROM critic_samples WHERE critic = $name) AS samples,
            (SELECT count(*) FROM critiques WHERE critic = $name AND generated = 1) AS critiques,
            (SELECT count(*) FROM critiques WHERE critic = $name AND generated = 1 AND hallucinated = 1) AS hallucinated`,
  );
  return listCritics(db).map((c) => {
    const n = counts.get({ name: c.name }) as { tasks: number; samples: number; critiques: number; hallucinated: number };
    return {
      name: c.name,
      model: c.model,
      endpoint: endpointHost(c.baseUrl),
      baseUrl: c.baseUrl,
      key: c.key,
      onDemand: c.onDemand,
      promptSha256: { summary: c.prompts.summary.sha256, code: c.prompts.code.sha256 },
      params: c.params,
      ...n,
    };
  });
}


/** The tasks a sweep of `critic` reads: its samples, its critiques and the tasks' ground-truth flaws. */
export function sweepTasks(db: AnyDb, critic: string): SweepTask[] {
  const ids = db
    .prepare(
      `SELECT t.id, t.kind FROM tasks t
        WHERE t.id IN (SELECT task_id FROM critic_samples WHERE critic = $critic UNION SELECT task_id FROM critiques WHERE critic = $critic)
          AND ${visibleTask('t')} ORDER BY t.seq`,
    )
    .all({ critic }) as { id: string; kind: 'summary' | 'code' }[];
  const flaws = db.prepare('SELECT id, resolved_json, severity, category, critiques_json FROM flaws WHERE task_id = $task ORDER BY position');
  const critiques = db.prepare('SELECT id, score, critic, sample, hallucinated, resolved_json FROM critiques WHERE task_id = $task AND critic = $critic ORDER BY position');
  const samples = db.prepare(
    'SELECT sample FROM critic_samples WHERE task_id = $task AND critic = $critic UNION SELECT sample FROM critiques WHERE task_id = $task AND critic = $critic AND sample IS NOT NULL',
  );
  return ids.map((t) => ({
    id: t.id,
    kind: t.kind,
    flaws: (flaws.all({ task: t.id }) as { id: string; resolved_json: string | null; severity: string | null; category: string | null; critiques_json: string | null }[]).map((f) => ({
      id: f.id,
      anchor: storedRange(f.resolved_json),
      severity: f.severity,
      category: f.category,
      critiques: f.critiques_json ? (JSON.parse(f.critiques_json) as string[]) : [],
    })),
    critiques: (critiques.all({ task: t.id, critic }) as { id: string; score: number | null; critic: string; sample: number | null; hallucinated: number; resolved_json: string | null }[]).map((c) => ({
      id: c.id,
      score: c.score,
      critic: c.critic,
      sample: c.sample,
      hallucinated: c.hallucinated === 1,
      range: storedRange(c.resolved_json),
    })),
    samples: (samples.all({ task: t.id, critic }) as { sample: number }[]).map((r) => r.sample),
  }));
}

/** A critic's sweep over the given points (text, e.g. `anchored+top-3`). */
export function sweepFromDb(db: AnyDb, critic: string, points: readonly string[]): SweepRow[] {
  const exists = db.prepare('SELECT 1 FROM critics WHERE name = $critic UNION SELECT 1 FROM critiques WHERE critic = $critic').get({ critic });
  if (!exists) throw new AppError('not-found', `No critic "${critic}" in this database.`);
  let parsed: OperatingPoint[];
  try {
    parsed = points.map((p) => parseOperatingPoint(p.split('+'), p));
  } catch (err) {
    throw new AppError('invalid-input', `points: ${(err as Error).message.replace(/^Unknown critique policy /, 'unknown operating point ')}`);
  }
  return sweepCritic(sweepTasks(db, critic), critic, parsed);
}
