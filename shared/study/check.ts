// `assay study check`, the checks of `study create` and of the New study screen: every hazard of a
// design over its tasks, with a count and what to do. Pure; the back end feeds the tasks.
import { z } from 'zod';
import { defaultPlanAssumptions, MAX_PLAN_REVIEWS, simulateDesign } from '../metrics/plan.js';
import { seededRandom } from '../metrics/prng.js';
import { parsePolicy, selectShownCritiques, type CritiquePolicy, type PolicyCritique, type SelectOptions } from '../policy.js';
import { plural } from '../plural.js';

/**
 * What the check needs of a task: its critiques' scores and labels (and, for critic policies, their
 * critic, sample, hallucinated flag and resolved anchor), and its flaws' anchors and links.
 */
export interface CheckTask {
  readonly id: string;
  readonly critiques: readonly PolicyCritique[];
  readonly flaws: readonly { readonly id: string; readonly anchored: boolean; readonly critiques: readonly string[] }[];
  /** The task's kind: how a critic policy tells two anchors apart (default summary). */
  readonly kind?: 'summary' | 'code';
  /** Per critic, the sample indices stored on this task (critic policies choose among them). */
  readonly samples?: Readonly<Record<string, readonly number[]>>;
}

/** What a policy needs besides the critiques: for a critic policy, the task's kind and that critic's samples. */
function selectOptions(t: CheckTask, policy: CritiquePolicy): SelectOptions {
  return policy.kind === 'critic' ? { kind: t.kind ?? 'summary', samples: t.samples?.[policy.critic] ?? [] } : {};
}

/** The design being checked. */
export interface CheckDesign {
  readonly conditions: readonly { readonly name: string; readonly policy: string }[];
  readonly evaluators: number;
  readonly overlap: number;
}

/** One hazard: `error` hazards make `study create` refuse (unless forced). */
export const HazardSchema = z.object({
  code: z.string(),
  severity: z.enum(['error', 'warning']),
  condition: z.string().nullable(),
  /** How many tasks, flaws or units it concerns. */
  count: z.number().int().nonnegative(),
  message: z.string(),
  action: z.string(),
});
/** One hazard of a design. */
export type Hazard = z.infer<typeof HazardSchema>;

/** The result of a check. */
export const StudyCheckSchema = z.object({
  /** True when an error hazard makes `study create` refuse without --force. */
  refused: z.boolean(),
  hazards: z.array(HazardSchema),
  tasks: z.number().int().nonnegative(),
  flaws: z.number().int().nonnegative(),
  /** The design's simulated power to detect a relative uplift in caught per review (null when it cannot be simulated). */
  estimate: z
    .object({
      uplift: z.number(),
      power: z.number(),
      mean_ci_width: z.number().nullable(),
      /** The typical study's interval width (absent in checks stored before it existed). */
      median_ci_width: z.number().nullable().optional(),
      replicates: z.number().int(),
      evaluator_sd: z.number(),
    })
    .nullable()
    .optional(),
});
/** The result of a check. */
export type StudyCheck = z.infer<typeof StudyCheckSchema>;


/**
 * Checks a design over its tasks. Hazards: flaws only matchable by hand, figures the design cannot
 * produce (agreement, over-reliance), policies that select nothing or arbitrarily, conditions that
 * do not differ for some tasks, an assisted condition that shows nothing at all (error), too few
 * evaluators for population intervals, no flaws at all.
 */
export function checkStudy(design: CheckDesign, tasks: readonly CheckTask[]): StudyCheck {
  const hazards: Hazard[] = [];
  const policies = design.conditions.map((c) => ({ name: c.name, policy: parsePolicy(c.policy) }));
  const C = policies.length;
  const flawCount = tasks.reduce((s, t) => s + t.flaws.length, 0);
  const shownBy = (t: CheckTask, policy: CritiquePolicy): Set<string> => new Set(selectShownCritiques(t.critiques, policy, selectOptions(t, policy)).map((c) => c.id));

  if (flawCount === 0) {
    hazards.push({
      code: 'no-flaws',
      severity: 'warning',
      condition: null,
      count: tasks.length,
      message: `None of the ${plural(tasks.length, 'task')} has ground-truth flaws: caught per review, catch rate and their uplifts will be null.`,
      action: 'Add planted flaws (flaws[] in the task package) to measure catches, or rely on the reported figures only.',
    });
  }

  // Flaws that can only be matched by hand, per condition (a shown critique that describes the
  // flaw, or an anchor an added flaw can overlap, lets the rule match it).
  for (const { name, policy } of policies) {
    let handOnly = 0;
    for (const t of tasks) {
      const shown = shownBy(t, policy);
      for (const f of t.flaws) if (!f.anchored && !f.critiques.some((id) => shown.has(id))) handOnly++;
    }
    if (handOnly > 0) {
      hazards.push({
        code: 'flaws-hand-only',
        severity: 'warning',
        condition: name,
        count: handOnly,
        message: `${name}: ${handOnly} of ${plural(flawCount, 'ground-truth flaw')} ${handOnly === 1 ? 'has' : 'have'} no anchor and no shown critique that describes ${handOnly === 1 ? 'it' : 'them'}: they can only be matched by hand. Until adjudicated they count as missed${handOnly === flawCount ? ', and with none matchable the catch figures are null' : ''}.`,
        action: 'Give the flaws anchors (quote or range) or critique links in the task package, or plan to adjudicate every review on the Matching screen.',
      });
    }
  }

  // Agreement needs a task reviewed at least twice under one condition.
  const most = Math.ceil(design.overlap / C);
  const least = Math.floor(design.overlap / C);
  if (most < 2) {
    hazards.push({
      code: 'agreement-impossible',
      severity: 'warning',
      condition: null,
      count: C,
      message: `With ${plural(C, 'condition')} and overlap ${design.overlap} no task is reviewed twice under one condition: agreement (Krippendorff's α) can never be computed.`,
      action: `Raise the overlap to ${2 * C} (twice the number of conditions) if agreement matters.`,
    });
  } else if (least < 2) {
    hazards.push({
      code: 'agreement-partial',
      severity: 'warning',
      condition: null,
      count: C - (design.overlap % C),
      message: `With ${plural(C, 'condition')} and overlap ${design.overlap} each task is reviewed twice under only ${design.overlap % C} of the conditions: α rests on part of the tasks in each condition.`,
      action: `Raise the overlap to ${2 * C} for agreement on every task in every condition.`,
    });
  }

  for (const { name, policy } of policies) {
    if (policy.kind === 'none') continue;
    let empty = 0;
    let noDecoy = 0;
    let noValid = 0;
    let arbitrary = 0;
    for (const t of tasks) {
      const shown = selectShownCritiques(t.critiques, policy, selectOptions(t, policy));
      if (shown.length === 0) empty++;
      if (!shown.some((c) => c.valid === false)) noDecoy++;
      if (!shown.some((c) => c.valid === true)) noValid++;
      if (policy.kind === 'top' && t.critiques.length > policy.k && t.critiques.some((c) => typeof c.score !== 'number' || !Number.isFinite(c.score))) arbitrary++;
    }
    if (tasks.length > 0 && empty === tasks.length) {
      hazards.push({
        code: 'assisted-shows-nothing',
        severity: 'error',
        condition: name,
        count: empty,
        message: `${name} (${c(policy)}) is meant to assist but shows no critique on any of the ${plural(tasks.length, 'task')}: it is the unassisted condition under another name.`,
        action: 'Choose tasks with critiques, or another policy; create with --force (or “Create anyway”) only if this is intended.',
      });
    } else if (empty > 0) {
      hazards.push({
        code: 'assisted-empty-on-tasks',
        severity: 'warning',
        condition: name,
        count: empty,
        message: `${name} (${c(policy)}) shows no critique on ${plural(empty, 'task')}: there it differs in nothing from unassisted, and the review screen's "The model wrote no critiques" tells the evaluator that the set is assisted.`,
        action: 'Leave tasks without critiques out of the study (--tasks FILE), or accept that those reviews compare nothing.',
      });
    }
    if (arbitrary > 0) {
      hazards.push({
        code: 'top-k-unscored',
        severity: 'warning',
        condition: name,
        count: arbitrary,
        message: `${name} (${c(policy)}): on ${plural(arbitrary, 'task')} with more than ${policy.kind === 'top' ? policy.k : ''} critiques some have no score, so the selection falls back to file order.`,
        action: 'Give every critique a score, or use the policy all or valid-only.',
      });
    }
    if (empty < tasks.length && noDecoy === tasks.length) {
      hazards.push({
        code: 'no-decoys',
        severity: 'warning',
        condition: name,
        count: tasks.length,
        message: `${name} shows no decoy (valid: false) on any task: its over-reliance rate "decoys accepted" cannot be computed.`,
        action: 'Add decoy critiques marked valid: false if over-reliance matters.',
      });
    }
    if (empty < tasks.length && noValid === tasks.length) {
      hazards.push({
        code: 'no-valid-labels',
        severity: 'warning',
        condition: name,
        count: tasks.length,
        message: `${name} shows no critique marked valid: true on any task: "valid rejected" cannot be computed.`,
        action: 'Label critiques valid: true / false in the task package.',
      });
    }
  }

  // Conditions that show the same critiques on a task compare nothing there.
  for (let i = 0; i < C; i++) {
    for (let j = i + 1; j < C; j++) {
      const a = policies[i]!;
      const b = policies[j]!;
      if (a.policy.kind === 'none' || b.policy.kind === 'none') continue; // reported above as "shows nothing"
      let same = 0;
      for (const t of tasks) {
        const x = shownBy(t, a.policy);
        const y = shownBy(t, b.policy);
        if (x.size === y.size && [...x].every((id) => y.has(id))) same++;
      }
      if (same > 0) {
        hazards.push({
          code: 'conditions-identical-on-tasks',
          severity: 'warning',
          condition: `${a.name}/${b.name}`,
          count: same,
          message: `${a.name} and ${b.name} show the same critiques on ${plural(same, 'task')} of ${tasks.length}: there they differ in nothing.`,
          action: 'Choose policies that differ on these tasks, or expect those reviews to add noise and no contrast.',
        });
      }
    }
  }

  if (design.evaluators < 3) {
    hazards.push({
      code: 'too-few-evaluators',
      severity: 'warning',
      condition: null,
      count: design.evaluators,
      message: `${plural(design.evaluators, 'evaluator')}: intervals for evaluators in general need at least 3 (the metrics will show none).`,
      action: 'Recruit more evaluators; with fewer, only --ci tasks ("these evaluators") gives intervals.',
    });
  }
  return { refused: hazards.some((h) => h.severity === 'error'), hazards, tasks: tasks.length, flaws: flawCount };
}

function c(policy: CritiquePolicy): string {
  return policy.kind === 'top' ? `top-${policy.k}` : policy.kind;
}

/** The check as text, one hazard per paragraph. */
export function checkText(check: StudyCheck): string {
  if (check.hazards.length === 0) return `No hazards found (${plural(check.tasks, 'task')}, ${plural(check.flaws, 'flaw')}).\n`;
  return `${check.hazards
    .map((h) => `${h.severity === 'error' ? 'ERROR' : 'warning'} [${h.code}] ${h.message}\n  count: ${h.count}\n  what to do: ${h.action}`)
    .join('\n')}\n`;
}

/**
 * The "design too small" hazard: the power of this design (its tasks' flaw counts, its evaluators
 * and overlap) to detect a relative uplift in caught per review, by the plan's simulation; a
 * warning below the power wanted. Null when the design cannot be simulated (no baseline, no flaws).
 */
export function powerHazard(design: CheckDesign, flawCounts: readonly number[], uplift = 0.5, replicates = 100): Hazard | null {
  return designPower(design, flawCounts, uplift, replicates).hazard;
}

/** The design's simulated power (see {@link powerHazard}) and the hazard when it is too low. */
export function designPower(design: CheckDesign, flawCounts: readonly number[], uplift = 0.5, replicates = 100): { estimate: StudyCheck['estimate']; hazard: Hazard | null } {
  const base = design.conditions.findIndex((x) => x.policy === 'none');
  const assisted = design.conditions.findIndex((x, i) => i !== base && x.policy !== 'none');
  // SECURITY: the check runs on every edit of the New study form: bound the simulation's work.
  if (base < 0 || assisted < 0 || flawCounts.every((k) => k === 0) || design.overlap > design.evaluators || design.evaluators < 1 || flawCounts.length * design.overlap > MAX_PLAN_REVIEWS) {
    return { estimate: null, hazard: null };
  }
  const a = { ...defaultPlanAssumptions, uplift, replicates };
  const d = simulateDesign(flawCounts, design.conditions, { tasks: flawCounts.length, evaluators: design.evaluators, overlap: design.overlap }, a, seededRandom(a.seed));
  const estimate = { uplift, power: d.power, mean_ci_width: d.mean_ci_width, median_ci_width: d.median_ci_width, replicates, evaluator_sd: a.evaluatorSd };
  if (d.power >= a.power) return { estimate, hazard: null };
  return { estimate, hazard: tooSmall(design, d, a, uplift, base, assisted) };
}

function tooSmall(design: CheckDesign, d: { power: number; median_ci_width: number | null }, a: typeof defaultPlanAssumptions, uplift: number, base: number, assisted: number): Hazard {
  return {
    code: 'too-small',
    severity: 'warning',
    condition: design.conditions[assisted]!.name,
    count: Math.round(d.power * 100),
    message: `This design has about ${Math.round(d.power * 100)}% power to detect a ${Math.round(uplift * 100)}% uplift in caught flaws per review (${design.conditions[assisted]!.name} over ${design.conditions[base]!.name}; simulated with evaluator SD ${a.evaluatorSd}, ${Math.round(a.baselineCatchRate * 100)}% caught unassisted); ${d.median_ci_width === null ? 'with so few reviews the metrics give no interval at all' : `a typical 95% interval spans ${Math.round(d.median_ci_width * 100)} points`}.`,
    action: 'Run assay study plan to see how many evaluators and tasks reach 80% power.',
  };
}
