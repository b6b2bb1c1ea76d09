import { useCallback, useState } from 'react';
import type { ReviewView } from '../../../../shared/contract/review.js';
import { keyLabel, keysOf } from './keymap.js';
import type { ReviewSession } from './use-review-session.js';

/**
 * Whether "Ask the critic" is offered for this view: only an open practice review that shows
 * critiques, of a task with one output (the critic does not read multi-file tasks). A study
 * review's shown list never changes (the back end refuses too).
 */
export function canAskCritic(view: ReviewView, readOnly: boolean): boolean {
  return askCriticRefusal(view, readOnly) === null;
}

/** Why "Ask the critic" (key `c`) is not offered for this view, in words; null when it is. */
export function askCriticRefusal(view: Pick<ReviewView, 'item' | 'critiques' | 'task'>, readOnly: boolean): string | null {
  if (view.item.study !== '') return 'The critic can be asked in the practice queue only: a study shows everyone the critiques it planned.';
  if (view.critiques === null) return 'This item is reviewed without critiques, so the critic is not asked.';
  if (view.task.files !== null) return 'The critic reads tasks with one output only: it cannot be asked about a multi-file change.';
  if (readOnly) return 'This review is finished: reopen it (o) to ask the critic.';
  return null;
}

/** What the workspace needs from "Ask the critic": the action and what the last ask did. */
export interface AskCriticState {
  readonly asking: boolean;
  /** What the last successful ask added, in words. */
  readonly message: string | null;
  ask(): void;
}

/**
 * "Ask the critic" for one review: asks through the session (which refuses actions meanwhile and
 * takes the server's view after), says what joined, and calls `onAdded` with the index of the
 * first new critique so the workspace can select it.
 */
export function useAskCritic(session: ReviewSession, onAdded: (firstNew: number) => void): AskCriticState {
  const [message, setMessage] = useState<string | null>(null);
  const { askCritic, view } = session;
  const before = view?.critiques?.length ?? 0;
  const ask = useCallback(() => {
    setMessage(null);
    void askCritic().then((r) => {
      if (!r) return;
      if (r.added === 0) {
        setMessage('The critic found nothing to add.');
        return;
      }
      const unanchored = r.hallucinated > 0 ? ` ${r.hallucinated} quote${r.hallucinated === 1 ? 's' : ''} text the output does not contain: shown without a highlight.` : '';
      setMessage(`The critic added ${r.added} critique${r.added === 1 ? '' : 's'} at the end of the list.${unanchored}`);
      onAdded(before);
    });
  }, [askCritic, onAdded, before]);
  return { asking: session.asking, message, ask };
}

/** The button under the critiques, with its key and what the last ask added. */
export function AskCriticRow({ critic }: { readonly critic: AskCriticState }): React.JSX.Element {
  return (
    <div className="ask-critic">
      <div className="row">
        <button type="button" onClick={critic.ask} disabled={critic.asking} aria-keyshortcuts={keysOf('ask-critic')} aria-describedby="ask-critic-note">
          {critic.asking ? 'Asking the critic…' : 'Ask the critic'}
        </button>
        <kbd aria-hidden="true">{keyLabel(keysOf('ask-critic'))}</kbd>
      </div>
      <p id="ask-critic-note" aria-live="polite" className="muted small">
        {critic.asking ? 'Waiting for the critic; your actions wait too.' : (critic.message ?? 'Practice only: the critic reviews this output again and its critiques join this list.')}
      </p>
    </div>
  );
}
