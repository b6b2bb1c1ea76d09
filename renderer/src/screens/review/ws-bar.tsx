import { useEffect, useState } from 'react';
import type { ReviewView } from '../../../../shared/contract/review.js';
import { formatDuration } from './active-time.js';
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
      <SaveIndicator save={p.save} />
      <ActiveClock activeMs={p.activeMs} />
      <button type="button" className="quiet" onClick={p.onUndo} disabled={p.readOnly || !p.canUndo} aria-keyshortcuts={keysOf('undo')}>
        Undo
      </button>
      <button type="button" className="quiet" onClick={p.onRedo} disabled={p.readOnly || !p.canRedo} aria-keyshortcuts={keysOf('redo')}>
        Redo
      </button>
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
