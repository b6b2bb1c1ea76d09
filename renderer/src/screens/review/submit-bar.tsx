import type { ReviewState } from '../../../../shared/review/state.js';
import { SkipForm } from './forms.js';
import { keyLabel, keysOf } from './keymap.js';
import type { Mode } from './modes.js';
import type { ReviewSettings } from './settings.js';

interface Props {
  readonly item: number;
  readonly state: ReviewState;
  readonly settings: ReviewSettings;
  readonly readOnly: boolean;
  readonly busy: boolean;
  readonly mode: Mode;
  readonly onRate: (rating: number) => void;
  readonly onSubmit: () => void;
  readonly onSkip: (reason: string) => void;
  readonly onCancel: () => void;
}

/** The end of the panel: the 1–7 rating, the skip form when asked for, and Submit. */
export function SubmitBar(p: Props): React.JSX.Element {
  const rating = p.state.content.rating;
  return (
    <>
      <section aria-labelledby="rating-title" className="rating-section">
        <h2 id="rating-title">Rating</h2>
        <div role="radiogroup" aria-label="Rating" aria-keyshortcuts={keysOf('rate')} className="rating">
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
      {p.mode?.kind === 'skip' && <SkipForm onSkip={p.onSkip} onCancel={p.onCancel} />}
      {!p.readOnly && (
        <div className="submit-row">
          <button type="button" className="primary" onClick={p.onSubmit} aria-keyshortcuts={keysOf('submit')} disabled={p.busy}>
            Submit
          </button>
          <span className="muted small">
            {keyLabel(keysOf('submit'))}
            {rating === null ? ' · rate the output first (1–7)' : ''}
          </span>
        </div>
      )}
    </>
  );
}

/** Above a finished review: how it ended, and how to change it (reopen). */
export function DoneBanner({ state, canReopen, onReopen }: { readonly state: ReviewState; readonly canReopen: boolean; readonly onReopen: () => void }): React.JSX.Element {
  return (
    <div className="done-banner" role="note">
      <span>
        {state.status === 'submitted' ? 'Submitted.' : `Skipped: ${state.skipReason ?? ''}.`}
        {state.reopened > 0 ? ` (Reopened ${state.reopened === 1 ? 'once' : `${state.reopened} times`} before.)` : ''}
        {canReopen ? ' To change it, reopen it.' : ' It can no longer change.'}
      </span>
      {canReopen && (
        <button type="button" className="small" onClick={onReopen} aria-keyshortcuts={keysOf('reopen')}>
          Reopen
        </button>
      )}
    </div>
  );
}
