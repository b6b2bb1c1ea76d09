import { useEffect, useRef, useState } from 'react';
import type { ReviewView } from '../../../../shared/contract/review.js';
import { formatDuration } from './active-time.js';
import { announcement, countdownPhase, formatRemaining, limitOutcomeText, remainingMs, type CountdownSource } from './countdown.js';
import { keysOf } from './keymap.js';
import type { SaveStatus } from './use-review-session.js';

interface Props {
  readonly view: ReviewView;
  readonly save: SaveStatus;
  readonly activeMs: React.RefObject<number>;
  readonly readOnly: boolean;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  readonly hasNext: boolean;
  /** The item's time limit while the review is open; null: none (or finished). */
  readonly countdown: CountdownSource | null;
  /** The study has instructions: the bar offers them. */
  readonly hasInstructions: boolean;
  readonly onInstructions: () => void;
  readonly onQueue: () => void;
  readonly onUndo: () => void;
  readonly onRedo: () => void;
  readonly onHelp: () => void;
  readonly onSkip: () => void;
  readonly onNext: () => void;
}

/** The workspace's top bar: back to the queue, where this item is, what is saved, and the item's actions. */
export function WorkspaceBar(p: Props): React.JSX.Element {
  const { item, task } = p.view;
  return (
    <div className="ws-bar">
      <button type="button" onClick={p.onQueue} className="quiet" aria-keyshortcuts={keysOf('queue')}>
        ← Queue
      </button>
      <span className="ws-label" title={item.study === '' ? 'Practice: not part of any study' : `Study ${item.study}`}>
        {item.study === '' ? 'Practice' : item.label} · item {item.position} of {item.total}
      </span>
      <h1 className="ws-title">{task.title ?? task.id}</h1>
      <span className="spacer" />
      {p.countdown && <Countdown source={p.countdown} />}
      <SaveIndicator save={p.save} />
      <ActiveClock activeMs={p.activeMs} />
      <button type="button" className="quiet" onClick={p.onUndo} disabled={p.readOnly || !p.canUndo} aria-keyshortcuts={keysOf('undo')}>
        Undo
      </button>
      <button type="button" className="quiet" onClick={p.onRedo} disabled={p.readOnly || !p.canRedo} aria-keyshortcuts={keysOf('redo')}>
        Redo
      </button>
      {p.hasInstructions && (
        <button type="button" className="quiet" onClick={p.onInstructions} aria-keyshortcuts={keysOf('instructions')}>
          Instructions
        </button>
      )}
      <button type="button" className="quiet" onClick={p.onHelp} aria-keyshortcuts={keysOf('help')}>
        Shortcuts
      </button>
      {!p.readOnly && (
        <button type="button" onClick={p.onSkip} aria-keyshortcuts={keysOf('skip')}>
          Skip
        </button>
      )}
      {p.readOnly && p.hasNext && (
        <button type="button" className="primary" onClick={p.onNext} aria-keyshortcuts={keysOf('next-item')}>
          Next item →
        </button>
      )}
    </div>
  );
}

function SaveIndicator({ save }: { readonly save: SaveStatus }): React.JSX.Element {
  const text = save.kind === 'saved' ? 'Everything is saved' : save.kind === 'saving' ? 'Saving…' : `Not saved yet, retrying: ${save.message}`;
  return (
    <span role="status" className={`save-indicator save-${save.kind}`} title={text}>
      <span className="dot" aria-hidden="true" />
      {save.kind === 'saved' ? 'Saved' : save.kind === 'saving' ? 'Saving…' : 'Not saved: retrying'}
    </span>
  );
}

function ActiveClock({ activeMs }: { readonly activeMs: React.RefObject<number> }): React.JSX.Element {
  const [, tick] = useState(0);
  useEffect(() => {
    const t = window.setInterval(() => tick((n) => n + 1), 1000);
    return () => window.clearInterval(t);
  }, []);
  return (
    <span className="muted small mono" title="Active time: counts while this window is visible and you worked in the last minute">
      {formatDuration(activeMs.current)}
    </span>
  );
}

/**
 * The item's time left (`m:ss`), in the warning colour in its last minute. Screen readers hear it
 * at a few moments (5 min, 1 min, 30 s, 10 s, zero: see `announcement`), not every second: the
 * timer itself is not live.
 */
function Countdown({ source }: { readonly source: CountdownSource }): React.JSX.Element {
  // `read` depends on `source` only, which the effect below lists
  const read = (): number => remainingMs(source, performance.now(), Date.now());
  const [left, setLeft] = useState(read);
  const [said, setSaid] = useState('');
  const before = useRef(left);
  useEffect(() => {
    const t = window.setInterval(() => setLeft(read()), 250);
    setLeft(read());
    return () => window.clearInterval(t);
  }, [source]);
  useEffect(() => {
    const a = announcement(before.current, left, source.limitMs);
    before.current = left;
    if (a) setSaid(source.kind === 'advisory' && left <= 0 ? 'The suggested time for this item is over.' : a);
  }, [left, source]);
  const phase = countdownPhase(left);
  const limit = formatRemaining(source.limitMs);
  const title =
    source.kind === 'enforced'
      ? `Time limit ${limit} per item: at zero the item is ${limitOutcomeText(source.outcome)}.`
      : `Suggested time ${limit} per item (this study does not end items when it runs out).`;
  return (
    <span className={`countdown countdown-${phase}${source.kind === 'advisory' ? ' countdown-advisory' : ''}`} title={title}>
      <span className="countdown-label">{source.kind === 'enforced' ? 'Time left' : 'Suggested time left'}</span>
      <span role="timer" aria-label={source.kind === 'enforced' ? 'Time left for this item' : 'Suggested time left for this item'} className="mono">
        {formatRemaining(left)}
      </span>
      <span className="visually-hidden" aria-live="polite">
        {said}
      </span>
    </span>
  );
}
