import { defaultSweepPoints } from '../../../../shared/critic/sweep.js';
import { AppError } from '../../../../shared/result.js';
import { configFromInput, runOptionsFromInput } from '../../critic/config.js';
import { CriticJobs } from '../../critic/jobs.js';
import { keyOrigin, resolveUiKey, uiEnvRule } from '../../critic/keys.js';
import { askCritic } from '../../critic/on-demand.js';
import { criticInfos, sweepFromDb } from '../../critic/queries.js';
import { removeCritic, setOnDemandCritic, taskCritiqueProvenance } from '../../critic/repository.js';
import { runCritic } from '../../critic/run.js';
import type { AnyDb } from '../../db/types.js';
import { getTaskView } from '../../tasks/repository.js';
import type { Handlers } from '../dispatch.js';
import type { HandlerContext } from './context.js';

type CriticOpName =
  | 'critics:list'
  | 'critics:estimate'
  | 'critics:start'
  | 'critics:status'
  | 'critics:cancel'
  | 'critics:sweep'
  | 'critics:remove'
  | 'critics:setOnDemand'
  | 'critics:keyStatus'
  | 'critics:saveKey'
  | 'critics:forgetKey'
  | 'critics:ofTask'
  | 'review:askCritic';

/** The critic's read-only operations, which also run on a read-only connection. */
export function criticReadHandlers(db: AnyDb): Pick<Handlers, 'critics:list' | 'critics:sweep'> {
  return {
    'critics:list': () => ({ items: criticInfos(db) }),
    'critics:sweep': ({ name, points }) => ({ critic: name, rows: sweepFromDb(db, name, points ?? defaultSweepPoints) }),
  };
}

/** Per handler context: the runs started here (one registry per thread). */
const registries = new WeakMap<object, CriticJobs>();

/** The critic runs of the thread that owns `ctx` (the `jobs` worker's, or the main thread's when inline). */
export function criticJobsOf(ctx: HandlerContext): CriticJobs {
  let jobs = registries.get(ctx);
  if (!jobs) registries.set(ctx, (jobs = ctx.criticJobs ?? new CriticJobs(ctx.db)));
  return jobs;
}

/** Handlers of `critics:*` and `review:askCritic`. */
export function criticHandlers(ctx: HandlerContext): Pick<Handlers, CriticOpName> {
  const { db } = ctx;
  const keys = ctx.keys ?? { env: {} };
  const store = (): NonNullable<typeof keys.store> => {
    const why = keys.store ? keys.store.unavailable() : 'The keychain is only available in the desktop app; in browser mode use an environment variable.';
    if (why) throw new AppError('invalid-input', why.endsWith('.') ? why : `${why}: the key was not stored.`);
    return keys.store!;
  };
  return {
    ...criticReadHandlers(db),
    'critics:estimate': (input) => runCritic(db, runOptionsFromInput(input, null, true)),
    'critics:start': (input) => {
      configFromInput(input); // refuse a bad URL or prompt before resolving a key
      const apiKey = resolveUiKey(keys, input.key, input.baseUrl);
      return { job: criticJobsOf(ctx).start(runOptionsFromInput(input, apiKey, false)) };
    },
    'critics:status': ({ job }) => criticJobsOf(ctx).status(job),
    'critics:cancel': ({ job }) => ({ cancelled: criticJobsOf(ctx).cancel(job) }),
    'critics:remove': ({ name }) => removeCritic(db, name),
    'critics:setOnDemand': ({ name }) => {
      setOnDemandCritic(db, name);
      return { name };
    },
    'critics:keyStatus': ({ baseUrl }) => {
      const why = keys.store ? keys.store.unavailable() : 'the keychain is only available in the desktop app';
      return {
        keychain: why ? 'unavailable' : keys.store!.get(keyOrigin(baseUrl)) ? 'saved' : 'empty',
        keychainReason: why,
        envRule: uiEnvRule,
      };
    },
    'critics:saveKey': ({ baseUrl, key }) => {
      store().set(keyOrigin(baseUrl), key);
      return { saved: true };
    },
    'critics:forgetKey': ({ baseUrl }) => ({ removed: keys.store ? keys.store.delete(keyOrigin(baseUrl)) : false }),
    'critics:ofTask': ({ id }) => {
      getTaskView(db, id); // not-found for an unknown or unpublished task
      return { items: taskCritiqueProvenance(db, id) };
    },
    'review:askCritic': ({ evaluator, review }) => askCritic(db, keys, evaluator, review),
  };
}
