import type { ShownCritique } from '../../../../shared/contract/review.js';
import type { ReviewState } from '../../../../shared/review/state.js';
import type { StudySettings } from '../../../../shared/study/settings.js';

// The study's settings as the workspace applies them before the back end does: what submitting
// needs, which categories the flaw form offers. The back end enforces the same rules
// (shared/review/state.ts); these only let the workspace say so first, in the evaluator's words,
// and take them to the thing left to do.

/** What submitting now would do: go ahead, ask first, or refuse (with the reason, in words). */
export type SubmitCheck =
  | { readonly kind: 'ok' }
  | { readonly kind: 'confirm'; readonly undecided: number; readonly message: string }
  | {
      readonly kind: 'refuse';
      readonly message: string;
      /** What is missing: the workspace takes the evaluator there (the first undecided critique, the question…). */
      readonly missing: 'rating' | 'answer' | 'confidence' | 'decisions';
      readonly undecided: number;
    };

/** The 1-based numbers of the shown critiques without a decision, in display order. */
export function undecidedNumbers(state: ReviewState, critiques: readonly ShownCritique[]): number[] {
  return critiques.flatMap((c, i) => (state.content.decisions[c.id] ? [] : [i + 1]));
}

/** "2", "2 and 5", "2, 5 and 7", "2, 5, 7 and 3 more". */
function listNumbers(ns: readonly number[]): string {
  const shown = ns.length > 4 ? ns.slice(0, 3) : ns;
  const rest = ns.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  return shown.length === 1 ? `${shown[0]}` : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/**
 * The one check before a submit (the Submit button, Ctrl+Enter), in the order the panel shows
 * what it needs: the rating (when the study requires one), the question and the confidence (when
 * it asks one), then the critiques — refused when the study says every shown critique must be
 * decided, else asked once.
 */
export function checkSubmit(state: ReviewState, critiques: readonly ShownCritique[], settings: StudySettings): SubmitCheck {
  const open = undecidedNumbers(state, critiques);
  const undecided = open.length;
  const { content } = state;
  if (settings.rating === 'required' && content.rating === null) return { kind: 'refuse', missing: 'rating', message: 'Rate the output (1–7) before submitting.', undecided };
  if (settings.question !== null && content.answer === null) {
    return { kind: 'refuse', missing: 'answer', message: `Answer the question before submitting: “${settings.question}”`, undecided };
  }
  if (settings.question !== null && content.confidence === null) {
    return { kind: 'refuse', missing: 'confidence', message: 'Say how confident you are in your answer (50–100 %) before submitting.', undecided };
  }
  if (undecided === 0) return { kind: 'ok' };
  const what = `${undecided} of ${critiques.length} ${critiques.length === 1 ? 'critique' : 'critiques'} ${undecided === 1 ? 'is' : 'are'} not decided yet`;
  if (settings.decideAll) {
    return {
      kind: 'refuse',
      missing: 'decisions',
      message: `This study asks you to accept or reject every critique before you submit: ${undecided === 1 ? 'critique' : 'critiques'} ${listNumbers(open)} ${undecided === 1 ? 'is' : 'are'} not decided yet. Showing critique ${open[0]}.`,
      undecided,
    };
  }
  return { kind: 'confirm', undecided, message: `${what}. Submit anyway?` };
}

/** The confidences the question offers, in per cent (the scale is 50–100; the widget steps by 10). */
export const confidenceSteps: readonly number[] = [50, 60, 70, 80, 90, 100];

/**
 * The confidence after pressing "more sure" (+1) or "less sure" (−1): from none, either starts at
 * 50 (a guess); then one step of {@link confidenceSteps}, kept within 50–100. A value between steps
 * (from another tool) moves to the next step in that direction.
 */
export function stepConfidence(current: number | null, direction: 1 | -1): number {
  if (current === null) return confidenceSteps[0]!;
  if (direction > 0) return confidenceSteps.find((s) => s > current) ?? confidenceSteps[confidenceSteps.length - 1]!;
  return [...confidenceSteps].reverse().find((s) => s < current) ?? confidenceSteps[0]!;
}
