import { TextIndex } from '../../../shared/anchors.js';
import { readAnswer } from '../../../shared/critic/answer.js';
import { renderPrompt } from '../../../shared/critic/prompt.js';
import { checkCritique, isHallucinated } from '../../../shared/critic/resolve.js';
import type { ReviewView } from '../../../shared/contract/review.js';
import { AppError } from '../../../shared/result.js';
import type { WritableDb } from '../db/types.js';
import { addCritiquesToPracticeReview, getReviewView } from '../reviews/repository.js';
import { CriticClient, CriticRequestError, endpointHost } from './client.js';
import { keyOrigin, type ApiKeys } from './keys.js';
import { redactKey } from './redact.js';
import { criticReadRefusal, criticTask, nextSample, onDemandCritic, storeSample, type CriticRecord } from './repository.js';
import { promptFields, runDefaults } from './run.js';

/** The key of a stored critic: where its run said it comes from (set by whoever ran it). */
function storedKey(keys: ApiKeys, critic: CriticRecord): string | null {
  switch (critic.key.kind) {
    case 'none':
      return null;
    case 'env': {
      const value = keys.env[critic.key.name];
      if (!value) throw new AppError('invalid-input', `The critic's key comes from the environment variable ${critic.key.name}, which is not set where Assay was started.`);
      return value;
    }
    case 'keychain': {
      const why = keys.store ? keys.store.unavailable() : 'the keychain is only available in the desktop app';
      const key = why ? null : keys.store!.get(keyOrigin(critic.baseUrl));
      if (!key) throw new AppError('invalid-input', `The critic's key is kept in the keychain, which ${why ?? `holds no key for ${keyOrigin(critic.baseUrl)}`}.`);
      return key;
    }
  }
}

/** Where the review of `reviewId` stands, read before asking (the transaction checks again). */
function reviewTask(db: WritableDb, evaluator: string, reviewId: number): string {
  const row = db
    .prepare(
      `SELECT q.task_id, q.study, r.status FROM reviews r JOIN queue_items q ON q.id = r.queue_item_id WHERE r.id = $review AND q.evaluator_id = $evaluator`,
    )
    .get({ review: reviewId, evaluator }) as { task_id: string; study: string; status: string } | undefined;
  if (!row) throw new AppError('not-found', `No review ${reviewId} for "${evaluator}".`);
  if (row.study !== '') throw new AppError('conflict', 'The critic can be asked only in the practice queue: a study review shows exactly what it showed first.');
  if (row.status !== 'open') throw new AppError('conflict', `This review was already ${row.status}; it can no longer change.`);
  return row.task_id;
}

/**
 * "Ask the critic" (practice queue only): asks the configured critic for one more sample of the
 * review's task, stores it like any generated sample, and adds its critiques to this review's
 * shown list (reviews/repository.ts). Answers with the new critiques' neutral ids and the view.
 */
export async function askCritic(db: WritableDb, keys: ApiKeys, evaluator: string, reviewId: number, signal?: AbortSignal): Promise<{ added: string[]; hallucinated: number; view: ReviewView }> {
  const taskId = reviewTask(db, evaluator, reviewId);
  const critic = onDemandCritic(db);
  if (!critic) throw new AppError('invalid-input', 'No critic is set up for "Ask the critic": generate critiques with one first and choose it (Tasks → Generate critiques…).');
  const row = criticTask(db, taskId);
  if (!row) throw new AppError('not-found', `No task with id "${taskId}"`);
  const unread = criticReadRefusal(db, taskId);
  if (unread) throw new AppError('invalid-input', `The critic cannot be asked here: ${unread}.`);
  const apiKey = storedKey(keys, critic);
  const client = new CriticClient({ baseUrl: critic.baseUrl, model: critic.model, apiKey, ...runDefaults, timeoutMs: 60_000, maxAttempts: 3, structured: 'auto' });
  const prompt = renderPrompt(critic.prompts[row.kind].text, promptFields(row));
  const sample = nextSample(db, critic.name, taskId);
  const seed = critic.params.seed + sample;
  const askedAt = Date.now();
  let completion;
  let reading;
  try {
    for (let attempt = 1; ; attempt++) {
      completion = await client.complete({ prompt, seed, temperature: critic.params.temperature, maxTokens: critic.params.max_tokens }, undefined, signal);
      reading = readAnswer(completion.content);
      if (reading.ok || attempt >= 2) break;
    }
  } catch (err) {
    if (err instanceof CriticRequestError) throw new AppError('invalid-input', `The critic could not answer: ${redactKey(err.message, apiKey)}`);
    throw err;
  }
  if (!reading.ok) throw new AppError('invalid-input', `The critic answered twice in a form Assay cannot read: ${redactKey(reading.problem, apiKey)}`);
  const fields = promptFields(row);
  const index = new TextIndex(row.output);
  const checked = reading.answer.critiques.map((c) => checkCritique(c, { kind: row.kind, output: row.output, base: row.base, document: fields.document ?? null }, { output: index }));
  const { added, item } = addCritiquesToPracticeReview(db, evaluator, reviewId, () => {
    const outcome = storeSample(db, {
      task: taskId,
      critic: critic.name,
      model: critic.model,
      provenance: {
        name: critic.name,
        endpoint: endpointHost(critic.baseUrl),
        prompt_sha256: critic.prompts[row.kind].sha256,
        params: { temperature: critic.params.temperature, max_tokens: critic.params.max_tokens },
        seed,
        sample,
        usage: completion.usage,
        created_at: new Date().toISOString(),
        duration_ms: Date.now() - askedAt,
        structured: completion.mode,
      },
      critiques: checked,
    });
    if (outcome.kind === 'refused') throw new AppError('conflict', outcome.reason);
    if (outcome.kind === 'exists') throw new AppError('conflict', 'Another request stored this sample meanwhile; ask again.');
    return outcome;
  });
  return { added, hallucinated: checked.filter(isHallucinated).length, view: getReviewView(db, evaluator, item) };
}
