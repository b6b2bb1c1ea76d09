import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { describeImported, importReducer, initialImportState, isBusy, progressOf, warningLines, type FileOutcome, type ImportEvent, type ImportState } from './import-state.js';
import { routeFiles } from '../../files/route-files.js';
import { navigate } from '../../router.js';
import { useEvaluatorChoice } from '../review/profile.js';
import { uploadPackage } from './upload.js';
import type { ImportResult } from '../../../../shared/contract/tasks.js';
import './tasks.css';

// The import outlives the task list: the app re-mounts the list when its counts change (after an
// import), so the state lives in a small module store that every mounted list reads.
let store: ImportState = initialImportState;
const listeners = new Set<() => void>();
function emit(event: ImportEvent): void {
  store = importReducer(store, event);
  for (const l of listeners) l();
}
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
const snapshot = (): ImportState => store;

interface Props {
  /** Called once all chosen files are done, if any task was written. */
  readonly onImported: () => void;
  /** Extra buttons shown beside the import button (e.g. the demo offer). */
  readonly extra?: React.ReactNode;
  /** Shown above the import bar (a heading). */
  readonly lead?: React.ReactNode;
  /**
   * The import button is the screen's main action (default); false on the welcome, where opening a
   * pack comes first (and an empty database has no tasks to replace).
   */
  readonly primary?: boolean;
  readonly children?: React.ReactNode;
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

/**
 * Import of task packages: a file picker (key `i`), drag and drop anywhere on the area, a progress
 * bar per file, and the importer's line-numbered errors when a file is refused.
 */
export function ImportArea({ onImported, extra, lead, primary = true, children }: Props): React.JSX.Element {
  const state = useSyncExternalStore(subscribe, snapshot);
  const [, chooseEvaluator] = useEvaluatorChoice();
  const dispatch = emit;
  const [replace, setReplace] = useState(false);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const busy = isBusy(state);

  const importFiles = useCallback(
    async (chosen: readonly File[]) => {
      if (chosen.length === 0 || isBusy(store)) return;
      dispatch({ type: 'started', names: chosen.map((f) => f.name) });
      // Recognised by content: a pack is opened and results are merged here too (shared/file-kind.ts).
      const { own: files, routed } = await routeFiles(chosen, 'task-import');
      for (const r of routed) dispatch({ type: 'file-routed', name: r.name, message: r.message, ok: r.ok });
      let written = routed.some((r) => r.ok) ? 1 : 0;
      for (const file of files) {
        dispatch({ type: 'file-started', name: file.name, size: file.size });
        try {
          const result = await uploadPackage(file, replace, {
            onChunk: (sent, errorCount) => dispatch({ type: 'chunk-sent', sent, errorCount }),
            onImporting: () => dispatch({ type: 'importing' }),
          });
          written += result.status === 'imported' ? result.tasks : 0;
          dispatch({ type: 'file-finished', result });
        } catch (err) {
          dispatch({ type: 'file-failed', name: file.name, message: (err as Error).message });
        }
      }
      if (written > 0) onImported();
      // A pack given to the task import was opened: go where its evaluator reviews.
      const opened = routed.find((r) => r.ok && r.evaluator !== undefined);
      if (opened) {
        chooseEvaluator(opened.evaluator!);
        navigate('review');
      }
    },
    [replace, onImported, dispatch, chooseEvaluator],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'i' && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(e.target)) {
        e.preventDefault();
        input.current?.click();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const current = state.current;
  const fraction = current ? progressOf(current) : null;

  return (
    <div
      className={`import-area${dragging ? ' dragging' : ''}`}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        void importFiles(Array.from(e.dataTransfer.files));
      }}
    >
      {lead}
      <div className="import-bar">
        <button type="button" className={primary ? 'primary' : undefined} onClick={() => input.current?.click()} disabled={busy} aria-keyshortcuts="i">
          Import task package…
        </button>
        {extra}
        {primary && (
          // (an empty database has nothing to replace)
          <label className="import-replace small">
            <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} disabled={busy} /> Replace changed tasks
          </label>
        )}
        <span className="muted small">
          JSON Lines (.jsonl), or drop files here: packs and results files are recognised too · <kbd>i</kbd>
        </span>
        <input
          ref={input}
          className="visually-hidden"
          type="file"
          accept=".jsonl,.json,.ndjson,application/x-ndjson,application/json,text/plain"
          multiple
          aria-label="Task package files"
          tabIndex={-1}
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = '';
            void importFiles(files);
          }}
        />
      </div>

      <div className="import-status" aria-live="polite">
        {current && (
          <div className="import-progress">
            <div className="import-progress-label small">
              <span className="mono">{current.name}</span>
              <span className="muted">
                {current.stage === 'importing'
                  ? 'Importing…'
                  : `Uploading ${formatBytes(current.sent)} of ${formatBytes(current.size)}${current.errorCount ? ` · ${current.errorCount} error${current.errorCount === 1 ? '' : 's'} so far` : ''}`}
                {state.waiting.length > 0 ? ` · ${state.waiting.length} more file${state.waiting.length === 1 ? '' : 's'} waiting` : ''}
              </span>
            </div>
            <div
              className={`import-meter${fraction === null ? ' indeterminate' : ''}`}
              role="progressbar"
              aria-label={`Import of ${current.name}`}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}
            >
              <div className="import-meter-fill" style={{ width: fraction === null ? undefined : `${(fraction * 100).toFixed(1)}%` }} />
            </div>
          </div>
        )}
        {state.outcomes.map((o, i) => (
          <Outcome key={i} outcome={o} />
        ))}
        {!busy && state.outcomes.length > 0 && (
          <button type="button" className="link small" onClick={() => dispatch({ type: 'dismissed' })}>
            Dismiss
          </button>
        )}
      </div>

      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          Drop task packages, packs or results files
        </div>
      )}
      {children}
    </div>
  );
}

function Outcome({ outcome }: { readonly outcome: FileOutcome }): React.JSX.Element {
  if ('routed' in outcome) {
    return (
      <div role={outcome.ok ? 'status' : 'alert'} className={`import-outcome ${outcome.ok ? 'imported' : 'rejected'}`}>
        {outcome.routed}
      </div>
    );
  }
  if ('failure' in outcome) {
    return (
      <div role="alert" className="import-outcome rejected">
        <strong>Could not import {outcome.name}:</strong> {outcome.failure}
      </div>
    );
  }
  const r = outcome.result;
  if (r.status === 'imported') {
    return (
      <div className="import-outcome imported">
        {describeImported(r)}
        <Warnings result={r} />
      </div>
    );
  }
  const more = r.errorCount - r.errors.length;
  return (
    <div role="alert" className="import-outcome rejected">
      <div>
        <strong>
          Nothing imported from {r.file}: {r.errorCount} error{r.errorCount === 1 ? '' : 's'}.
        </strong>{' '}
        Fix the lines below and import the file again; the database is unchanged.
      </div>
      <ol className="import-errors mono small" aria-label={`Errors in ${r.file}`}>
        {r.errors.map((e, i) => (
          <li key={i}>{e}</li>
        ))}
        {more > 0 && <li className="muted">… and {more} more error{more === 1 ? '' : 's'}</li>}
      </ol>
      <Warnings result={r} />
    </div>
  );
}

/** The importer's warnings for a file, listed as the CLI prints them (nothing when there are none). */
function Warnings({ result }: { readonly result: ImportResult }): React.JSX.Element | null {
  const lines = warningLines(result);
  if (lines.length === 0) return null;
  const count = result.warningCount ?? lines.length;
  return (
    <div className="import-warnings">
      <strong>
        {count} warning{count === 1 ? '' : 's'}
      </strong>{' '}
      {result.status === 'imported' ? '(imported anyway: check these lines)' : ''}
      <ol className="import-errors mono small" aria-label={`Warnings in ${result.file}`}>
        {lines.map((w, i) => (
          <li key={i}>{w}</li>
        ))}
      </ol>
    </div>
  );
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
