import type { OpName } from './index.js';

/**
 * Who an operation is for. `evaluator`: the review side; its answers are blinded (no ground truth,
 * no condition names, no hidden critiques, no original critique ids, no other evaluator's work) and
 * test/reliability/blinding-fuzz.test.ts fuzzes every one of them. `researcher`: the researcher's
 * side (tasks, studies, analysis); it returns ground truth by design. Assay has no login, so anyone
 * at the keyboard (or, in browser mode, on this machine) can call either: blinding protects an
 * evaluator who uses the review screen, not against someone who opens the researcher's places.
 */
export type Audience = 'evaluator' | 'researcher';

/** Every operation's audience. A new operation must be added here (the type requires it). */
export const opAudience: { readonly [K in OpName]: Audience } = {
  'app:info': 'evaluator',
  'evaluators:list': 'evaluator',
  'evaluators:create': 'evaluator',
  'review:queue': 'evaluator',
  'review:view': 'evaluator',
  'review:begin': 'evaluator',
  'review:record': 'evaluator',
  'review:heartbeat': 'evaluator',
  'packs:import': 'evaluator',
  'packs:list': 'evaluator',
  'results:export': 'evaluator',
  'review:askCritic': 'evaluator',
  'results:save': 'evaluator',
  'demo:load': 'researcher',
  'tasks:list': 'researcher',
  'tasks:get': 'researcher',
  'tasks:importBegin': 'researcher',
  'tasks:importChunk': 'researcher',
  'tasks:importFinish': 'researcher',
  'tasks:importCancel': 'researcher',
  'tasks:search': 'researcher',
  'tasks:facets': 'researcher',
  'tasks:detail': 'researcher',
  'tasks:delete': 'researcher',
  'studies:list': 'researcher',
  'studies:get': 'researcher',
  'studies:create': 'researcher',
  'studies:close': 'researcher',
  'studies:archive': 'researcher',
  'studies:delete': 'researcher',
  'profiles:list': 'researcher',
  'profiles:remove': 'researcher',
  'studies:check': 'researcher',
  'studies:plan': 'researcher',
  'packs:export': 'researcher',
  'results:import': 'researcher',
  'analysis:data': 'researcher',
  'analysis:adjudicate': 'researcher',
  'critics:list': 'researcher',
  'critics:estimate': 'researcher',
  'critics:start': 'researcher',
  'critics:status': 'researcher',
  'critics:cancel': 'researcher',
  'critics:sweep': 'researcher',
  'critics:remove': 'researcher',
  'critics:setOnDemand': 'researcher',
  'critics:keyStatus': 'researcher',
  'critics:saveKey': 'researcher',
  'critics:forgetKey': 'researcher',
  'critics:ofTask': 'researcher',
  'analysis:rule': 'researcher',
};

/** The operations of the evaluator's side, in a stable order. */
export function evaluatorOps(): OpName[] {
  return (Object.keys(opAudience) as OpName[]).filter((k) => opAudience[k] === 'evaluator').sort();
}
