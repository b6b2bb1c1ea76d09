import type { ShownCritique } from '../../../../shared/contract/review.js';
import type { ReviewState } from '../../../../shared/review/state.js';

/**
 * The rules one review follows, handed to every pane. Today they are the same for every item;
 * the study settings (issue #12: rating required/optional/off, reason on reject, decide-all,
 * instructions, categories, a time limit) add their fields here and reach the panes this way.
 */
export interface ReviewSettings {
  /** True: every shown critique must be decided before submitting (a refusal); false: Assay asks once. */
  readonly decideAll: boolean;
}

/** The settings of an item whose study sets nothing: today's behaviour. */
export const defaultReviewSettings: ReviewSettings = { decideAll: false };

/** What submitting now would do: go ahead, ask first, or refuse (with the reason, in words). */
export type SubmitCheck =
  | { readonly kind: 'ok' }
  | { readonly kind: 'confirm'; readonly undecided: number; readonly message: string }
  | { readonly kind: 'refuse'; readonly message: string; readonly undecided: number };

/**
 * The one check before a submit (the Submit button, Ctrl+Enter): a rating is needed; undecided
 * critiques ask once, or are refused when the study says every shown critique must be decided.
 */
export function checkSubmit(state: ReviewState, critiques: readonly ShownCritique[], settings: ReviewSettings): SubmitCheck {
  const undecided = critiques.filter((c) => !state.content.decisions[c.id]).length;
  if (state.content.rating === null) return { kind: 'refuse', message: 'Rate the output (1–7) before submitting.', undecided };
  if (undecided === 0) return { kind: 'ok' };
  const what = `${undecided} of ${critiques.length} ${critiques.length === 1 ? 'critique' : 'critiques'} ${undecided === 1 ? 'is' : 'are'} not decided yet`;
  if (settings.decideAll) return { kind: 'refuse', message: `${what}: this study asks you to accept or reject every critique before you submit.`, undecided };
  return { kind: 'confirm', undecided, message: `${what}. Submit anyway?` };
}
