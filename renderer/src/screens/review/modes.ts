import type { OwnFlaw } from '../../../../shared/review/events.js';
import type { FlawDraft } from './forms.js';

/** What the workspace is asking of the evaluator right now (null: nothing; the keys are live). */
export type Mode =
  | { readonly kind: 'reject' }
  | { readonly kind: 'edit' }
  | { readonly kind: 'flaw'; readonly editing: OwnFlaw | null; readonly initial: FlawDraft }
  | { readonly kind: 'skip' }
  | { readonly kind: 'help' }
  | { readonly kind: 'instructions' }
  | { readonly kind: 'confirm-submit'; readonly message: string }
  | null;
