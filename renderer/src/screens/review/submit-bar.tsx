import type { ReviewState } from '../../../../shared/review/state.js';
import type { StudySettings } from '../../../../shared/study/settings.js';
import { SkipForm } from './forms.js';
import { keyLabel, keysOf } from './keymap.js';
import type { Mode } from './modes.js';
import { QuestionSection } from './question.js';
import { checkSubmit } from './settings.js';
import type { ShownCritique } from '../../../../shared/contract/review.js';

interface Props {
  readonly item: number;
  readonly state: ReviewState;
  readonly critiques: readonly ShownCritique[];
  readonly settings: StudySettings;
  readonly readOnly: boolean;
  readonly busy: boolean;
  readonly mode: Mode;
  readonly onRate: (rating: number) => void;
  readonly onAnswer: (answer: boolean) => void;
  readonly onConfidence: (confidence: number) => void;
  readonly onSubmit: () => void;
  readonly onSkip: (reason: string) => void;
  readonly onCancel: () => void;
}

/**
 * The end of the panel: the study's question (when it asks one), the 1–7 rating (unless the study
 * turns it off; marked optional when it is), the skip form when asked for, and Submit with what it
 * still needs.
 */
export function SubmitBar(p: Props): React.JSX.Element {
  const { rating, answer, confidence } = p.state.content;
  const s = p.settings;
  const check = checkSubmit(p.state, p.critiques, s);
  const needs = check.kind === 'refuse' && check.missing !== 'decisions' ? check.missing : null;
  return (
    <>
      {s.question !== null && (
        <QuestionSection
          item={p.item}
          question={s.question}
          answer={answer}
          confidence={confidence}
          readOnly={p.readOnly}
          onAnswer={p.onAnswer}
          onConfidence={p.onConfidence}
        />
      )}
      {s.rating !== 'off' && (
        <section aria-labelledby="rating-title" className="rating-section">
          <h2 id="rating-title">
            Rating{s.rating === 'optional' && <span className="muted optional"> · optional</span>}
          </h2>
          <div role="radiogroup" aria-label={s.rating === 'optional' ? 'Rating (optional)' : 'Rating'} aria-keyshortcuts={keysOf('rate')} className="rating">
            {[1, 2, 3, 4, 5, 6, 7].map((n) => (
              <label key={n} className={rating === n ? 'checked' : undefined}>
                <input type="radio" name={`rating-${p.item}`} value={n} checked={rating === n} disabled={p.readOnly} onChange={() => p.onRate(n)} />
                {n}
              </label>
            ))}
          </div>
          <div className="rating-scale small muted" aria-hidden="true">
            <span>1 very poor</span>
            <span>7 excellent</span>
          </div>
        </section>
      )}
      {p.mode?.kind === 'skip' && <SkipForm onSkip={p.onSkip} onCancel={p.onCancel} />}
      {!p.readOnly && (
        <div className="submit-row">
          <button type="button" className="primary" onClick={p.onSubmit} aria-keyshortcuts={keysOf('submit')} disabled={p.busy}>
            Submit
          </button>
          <span className="muted small">
            {keyLabel(keysOf('submit'))}
            {needs === 'rating' ? ' · rate the output first (1–7)' : needs === 'answer' ? ' · answer the question first' : needs === 'confidence' ? ' · give your confidence first' : ''}
          </span>
        </div>
      )}
    </>
  );
}

/** Whether a finished review can be reopened here, and if not, why (in words). */
export type ReopenChance = { readonly ok: true } | { readonly ok: false; readonly why: string };

/** How a finished review ended, in words: by the evaluator, or by the study's time limit. */
export function endedText(state: ReviewState): string {
  if (state.endedBy === 'time-limit') return state.status === 'skipped' ? 'Skipped by the time limit.' : 'Ended by the time limit: submitted as it stood.';
  return state.status === 'submitted' ? 'Submitted.' : `Skipped: ${state.skipReason ?? ''}.`;
}

/** Above a finished review: how it ended, and how to change it (reopen), or why it cannot change. */
export function DoneBanner({ state, reopen, onReopen }: { readonly state: ReviewState; readonly reopen: ReopenChance; readonly onReopen: () => void }): React.JSX.Element {
  return (
    <div className={`done-banner${state.endedBy === 'time-limit' ? ' by-clock' : ''}`} role="note" aria-label="How this review ended">
      <span>
        {endedText(state)}
        {state.reopened > 0 ? ` (Reopened ${state.reopened === 1 ? 'once' : `${state.reopened} times`} before.)` : ''}
        {reopen.ok ? ' To change it, reopen it.' : ` ${reopen.why}`}
      </span>
      {reopen.ok && (
        <button type="button" className="small" onClick={onReopen} aria-keyshortcuts={keysOf('reopen')}>
          Reopen
        </button>
      )}
    </div>
  );
}
