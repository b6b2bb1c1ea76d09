import { Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { QueueEntry, ReviewView, ShownCritique } from '../../../../shared/contract/review.js';
import type { OwnFlaw } from '../../../../shared/review/events.js';
import { nextFlawId, type Decision } from '../../../../shared/review/state.js';
import type { CodeMark, LineSelection } from '../../components/code-view.js';
import { useDarkMode } from '../../use-dark.js';
import { formatDuration } from './active-time.js';
import { AskCriticRow, askCriticKey, canAskCritic, useAskCritic } from './ask-critic.js';
import { describeAnchor, linesToAnchor, occurrencesOf, quoteToAnchor, rangeOf, whereOfAnchor } from './anchors.js';
import { ChunkedText, selectionIn, type Mark } from './chunked-text.js';
import { CritiqueEditor, FlawForm, ReasonPicker, SkipForm, type FlawDraft } from './forms.js';
import { ResizablePanes } from './panes.js';
import { prefetchCodeView, prefetchView, prepareCode } from './prefetch.js';
import { nextOpenItem } from './queue-order.js';
import { ShortcutSheet } from './shortcut-sheet.js';
import { codeMarksFor, firstUndecided, verdictClass, verdictText } from './verdicts.js';
import { useReviewSession, type ReviewSession, type SaveStatus } from './use-review-session.js';

const CodeView = lazy(() => import('../../components/code-view.js'));

type Mode =
  | { readonly kind: 'reject' }
  | { readonly kind: 'edit' }
  | { readonly kind: 'flaw'; readonly editing: OwnFlaw | null; readonly initial: FlawDraft }
  | { readonly kind: 'skip' }
  | { readonly kind: 'help' }
  | null;

/** True when a key press belongs to a field the user is typing in (then no shortcut fires). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.closest('.monaco-editor')) return false; // the read-only code view: keys are ours
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['radio', 'checkbox', 'button', 'submit', 'reset', 'range'].includes(target.type);
  return false;
}

interface Props {
  readonly evaluator: string;
  readonly item: number;
  readonly queue: readonly QueueEntry[];
  readonly onBack: () => void;
  readonly onOpen: (item: number) => void;
  readonly onStatus: (item: number, status: QueueEntry['status']) => void;
}

/** The review workspace for one queue item: context, output, critiques and the evaluator's verdicts. */
export function Workspace(props: Props): React.JSX.Element {
  const session = useReviewSession(props.evaluator, props.item);
  const { view, loadError } = session;
  if (loadError) {
    return (
      <div className="ws-error">
        <div role="alert" className="error-banner">
          Could not open this item: {loadError}
        </div>
        <button type="button" onClick={props.onBack}>
          ← Queue
        </button>
      </div>
    );
  }
  if (!view) return <div className="workspace ws-loading" aria-busy="true" />;
  return <LoadedWorkspace {...props} session={session} view={view} />;
}

function SaveIndicator({ save }: { readonly save: SaveStatus }): React.JSX.Element {
  const text = save.kind === 'saved' ? 'All changes saved' : save.kind === 'saving' ? 'Saving…' : `Not saved yet — retrying: ${save.message}`;
  return (
    <span role="status" className={`save-indicator save-${save.kind}`} title={text}>
      <span className="dot" aria-hidden="true" />
      {save.kind === 'saved' ? 'Saved' : save.kind === 'saving' ? 'Saving…' : 'Not saved — retrying'}
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

interface LoadedProps extends Props {
  readonly session: ReviewSession;
  readonly view: ReviewView;
}

function LoadedWorkspace({ evaluator, item, queue, onBack, onOpen, onStatus, session, view }: LoadedProps): React.JSX.Element {
  const { state, record, save, notice } = session;
  const task = view.task;
  const critiques = useMemo(() => view.critiques ?? [], [view.critiques]);
  const assisted = view.critiques !== null;
  const readOnly = state.status !== 'open';
  // Resume on the first critique still undecided.
  const [selected, setSelected] = useState(() => firstUndecided(critiques, state.content.decisions));
  const [mode, setMode] = useState<Mode>(null);
  const [lineSel, setLineSel] = useState<LineSelection | null>(null);
  const [finishing, setFinishing] = useState(false);
  const outputRef = useRef<HTMLDivElement>(null);
  const docRef = useRef<HTMLDivElement>(null);
  const dark = useDarkMode();
  const current: ShownCritique | undefined = critiques[Math.min(selected, critiques.length - 1)];
  const askable = canAskCritic(view, readOnly);
  const critic = useAskCritic(session, setSelected);
  const next = nextOpenItem(queue, item);

  // Prefetch the next item (and Monaco when it is code) as soon as this one is on screen.
  useEffect(() => {
    if (!next) return;
    const view = prefetchView(evaluator, next.id);
    if (next.kind !== 'code') return;
    prefetchCodeView();
    return prepareCode(view, () => {
      const here = document.querySelector('.ws-code .code-host');
      if (here) return { width: here.clientWidth, height: here.clientHeight };
      const panes = document.querySelector('.ws-panes');
      return { width: (panes?.clientWidth ?? window.innerWidth) * 0.52, height: Math.max(200, (panes?.clientHeight ?? window.innerHeight) - 40) };
    });
  }, [evaluator, next]);

  // Tell the queue; after submit/skip, move on once the server has the event.
  // Only a finished item changes what "next" means; in-progress statuses refresh with the queue.
  useEffect(() => {
    if (state.status !== 'open') onStatus(item, state.status);
  }, [item, state.status, onStatus]);
  useEffect(() => {
    if (finishing && readOnly && save.kind === 'saved') {
      setFinishing(false);
      if (next) onOpen(next.id);
      else onBack();
    }
  }, [finishing, readOnly, save.kind, next, onOpen, onBack]);

  const decide = useCallback(
    (event: Parameters<typeof record>[0]) => {
      if (record(event) && critiques.length > 0) setSelected((i) => Math.min(i + 1, critiques.length - 1));
    },
    [record, critiques.length],
  );

  const flawDraft = useCallback((): FlawDraft => {
    if (task.kind === 'code') {
      const where = lineSel ? (lineSel.lines[0] === lineSel.lines[1] ? `${lineSel.lines[0]}` : `${lineSel.lines[0]}-${lineSel.lines[1]}`) : '';
      return { description: '', severity: '', category: '', where, pinned: null, side: lineSel?.side ?? 'output' };
    }
    // Keep where the selection starts: a phrase that occurs twice must be anchored where it was selected.
    const sel = selectionIn(outputRef.current);
    return { description: '', severity: '', category: '', where: sel ? task.output.slice(sel.start, sel.end) : '', pinned: sel ? { start16: sel.start, end16: sel.end } : null, side: 'output' };
  }, [task, lineSel]);

  /** The form's draft for changing an own flaw: the anchor's full text (not its shortened display) and place. */
  const draftOf = (f: OwnFlaw): FlawDraft => ({
    description: f.description,
    severity: f.severity ?? '',
    category: f.category ?? '',
    ...whereOfAnchor(f.anchor, task.output, task.base),
  });

  const saveFlaw = (draft: FlawDraft, editing: OwnFlaw | null, initial: FlawDraft): string | null => {
    let anchor: OwnFlaw['anchor'];
    if (editing && draft.where === initial.where && draft.side === initial.side) {
      anchor = editing.anchor; // the place was not touched: keep its anchor exactly
    } else if (draft.where.trim()) {
      const r =
        task.kind === 'code'
          ? linesToAnchor(draft.side === 'base' && task.base !== null ? task.base : task.output, draft.where, draft.side)
          : quoteToAnchor(task.output, draft.where, draft.pinned);
      if ('error' in r) return r.error;
      anchor = r.anchor;
    }
    const flaw: OwnFlaw = {
      id: editing?.id ?? nextFlawId(state),
      description: draft.description.trim(),
      ...(anchor ? { anchor } : {}),
      ...(draft.severity ? { severity: draft.severity } : {}),
      ...(draft.category ? { category: draft.category } : {}),
    };
    const ok = record(editing ? { type: 'flaw-edited', flaw } : { type: 'flaw-added', flaw });
    if (ok) setMode(null);
    return ok ? null : 'Not saved (see the message above).';
  };

  /** Says when a quote occurs more than once, and which occurrence the flaw will point at. */
  const whereNote = (draft: FlawDraft): string | null => {
    if (task.kind !== 'summary' || !draft.where) return null;
    const n = occurrencesOf(task.output, draft.where).length;
    if (n < 2) return null;
    return draft.pinned === null
      ? `Occurs ${n} times in the output; the flaw will point at the first. To choose another, cancel, select it in the output and press f.`
      : `Occurs ${n} times in the output; the flaw points at the one you selected.`;
  };

  const submit = useCallback(() => {
    if (readOnly) return;
    if (record({ type: 'submitted' })) setFinishing(true);
  }, [readOnly, record]);

  const actions = {
    next: () => setSelected((i) => Math.min(i + 1, Math.max(0, critiques.length - 1))),
    prev: () => setSelected((i) => Math.max(i - 1, 0)),
    accept: () => current && !readOnly && decide({ type: 'decision-recorded', critique: current.id, verdict: 'accept' }),
    reject: () => current && !readOnly && setMode({ kind: 'reject' }),
    edit: () => current && !readOnly && setMode({ kind: 'edit' }),
    flaw: () => !readOnly && setMode({ kind: 'flaw', editing: null, initial: flawDraft() }),
    rate: (n: number) => !readOnly && record({ type: 'rating-set', rating: n }),
    skip: () => !readOnly && setMode({ kind: 'skip' }),
    undo: () => !readOnly && record({ type: 'undone' }),
    redo: () => !readOnly && record({ type: 'redone' }),
    help: () => setMode({ kind: 'help' }),
    askCritic: () => askable && !critic.asking && critic.ask(),
    submit,
  };
  const actionsRef = useRef(actions);
  actionsRef.current = actions;
  const modeRef = useRef(mode);
  modeRef.current = mode;

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || isTypingTarget(e.target) || modeRef.current !== null) return;
      const a = actionsRef.current;
      const key = e.key;
      if ((e.ctrlKey || e.metaKey) && !e.altKey) {
        const k = key.toLowerCase();
        if (key === 'Enter') a.submit();
        else if (k === 'z' && e.shiftKey) a.redo();
        else if (k === 'z') a.undo();
        else if (k === 'y') a.redo();
        else return;
        e.preventDefault();
        return;
      }
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      const map: Record<string, () => unknown> = {
        j: a.next,
        k: a.prev,
        a: a.accept,
        r: a.reject,
        e: a.edit,
        f: a.flaw,
        s: a.skip,
        '?': a.help,
        [askCriticKey]: a.askCritic,
      };
      const digit = /^[1-7]$/.test(key) ? Number(key) : null;
      const run = digit !== null ? () => a.rate(digit) : map[key];
      if (!run) return;
      e.preventDefault();
      run();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Bring the selected critique's anchor and evidence into view.
  useEffect(() => {
    if (!current || task.kind === 'code') return;
    const find = (root: HTMLElement | null, id: string): Element | null | undefined => root?.querySelector(`[data-mark~="${CSS.escape(id)}"]`);
    find(outputRef.current, `c:${current.id}`)?.scrollIntoView({ block: 'nearest' });
    find(docRef.current, 'ev:0')?.scrollIntoView({ block: 'center' });
  }, [current, task.kind]);

  const decisions = state.content.decisions;
  const flaws = state.content.flaws;

  const outputMarks = useMemo((): Mark[] => {
    const marks: Mark[] = [];
    critiques.forEach((c, i) => {
      if (c.range && c.range.side === 'output') {
        marks.push({
          start: c.range.start16,
          end: c.range.end16,
          id: `c:${c.id}`,
          className: `cq ${verdictClass(decisions[c.id])}${current?.id === c.id ? ' cq-selected' : ''}`,
          title: `Critique ${i + 1}: ${c.text}`,
        });
      }
    });
    for (const f of flaws) {
      const r = rangeOf(f.anchor, task.output, task.base);
      if (r && r.side === 'output' && task.kind === 'summary') marks.push({ start: r.start16, end: r.end16, id: `f:${f.id}`, className: 'own', title: `Your flaw: ${f.description}` });
    }
    return marks;
  }, [critiques, decisions, flaws, current, task]);

  const docMarks = useMemo(
    (): Mark[] =>
      (current?.evidence ?? []).flatMap((e, i) =>
        e.range ? [{ start: e.range.start16, end: e.range.end16, id: `ev:${i}`, className: 'evidence', title: e.note ?? 'Evidence for the selected critique' }] : [],
      ),
    [current],
  );

  const codeMarks = useMemo(
    (): CodeMark[] => codeMarksFor(task, critiques, decisions, flaws, current?.id),
    [task, critiques, decisions, flaws, current],
  );

  const selectCritique = useCallback(
    (id: string) => {
      const bare = id.startsWith('c:') ? id.slice(2) : id;
      const i = critiques.findIndex((c) => c.id === bare);
      if (i >= 0) setSelected(i);
    },
    [critiques],
  );

  const reveal = useMemo((): LineSelection | null => (current?.range ? { lines: current.range.lines, side: current.range.side } : null), [current]);

  const contextPane = (
    <div className="ws-scroll">
      <h2>Context</h2>
      {task.context?.query && <p className="query">{task.context.query}</p>}
      {task.context?.problem && <ChunkedText text={task.context.problem} marks={[]} className="document" label="Problem" />}
      {task.context?.sections && task.context.sections.length > 0 && (
        <details className="outline" open>
          <summary>Outline ({task.context.sections.length} sections)</summary>
          <ol>
            {task.context.sections.map((s, i) => (
              <li key={i}>
                <details>
                  <summary>{s.title}</summary>
                  {s.summary && <p className="section-summary">{s.summary}</p>}
                  {s.text && <p className="section-text">{s.text}</p>}
                </details>
              </li>
            ))}
          </ol>
        </details>
      )}
      {task.context?.document && (
        <div ref={docRef}>
          <ChunkedText text={task.context.document} marks={docMarks} className="document" label="Document" />
        </div>
      )}
      {!task.context && <p className="muted">This task has no context.</p>}
    </div>
  );

  const outputPane =
    task.kind === 'code' ? (
      <div className="ws-code">
        <div className="ws-code-head">
          <h2>{task.base !== null ? 'Diff (old → new)' : 'Code'}</h2>
          <span className="muted small">{lineSel ? `Selected ${describeAnchor({ lines: [lineSel.lines[0], lineSel.lines[1]], side: lineSel.side }, task.output)} — press f to add a flaw` : 'Select lines, then f to add a flaw'}</span>
        </div>
        <div className="code-host">
          <Suspense fallback={<div className="placeholder" aria-busy="true" />}>
            <CodeView
              output={task.output}
              base={task.base}
              language={task.language ?? 'plaintext'}
              dark={dark}
              marks={codeMarks}
              reveal={reveal}
              onMarkClick={selectCritique}
              onSelectLines={setLineSel}
            />
          </Suspense>
        </div>
      </div>
    ) : (
      <div className="ws-scroll" ref={outputRef}>
        <h2>Output</h2>
        <ChunkedText text={task.output} marks={outputMarks} className="output-text" label="Output" onMarkClick={selectCritique} />
        <p className="muted small hint">Select text, then press f to add a flaw there.</p>
      </div>
    );

  const panel = (
    <div className="ws-scroll ws-panel">
      {readOnly && (
        <p className="done-banner">
          {state.status === 'submitted' ? 'Submitted' : `Skipped: ${state.skipReason ?? ''}`} — this review is read-only.
        </p>
      )}
      {assisted && (
        <section aria-labelledby="cq-title">
          <h2 id="cq-title">
            Critiques <span className="muted">{Object.keys(decisions).filter((id) => critiques.some((c) => c.id === id)).length}/{critiques.length} decided</span>
          </h2>
          {critiques.length === 0 && <p className="muted">The model wrote no critiques for this output.</p>}
          <ol className="cq-list">
            {critiques.map((c, i) => (
              <CritiqueCard
                key={c.id}
                critique={c}
                index={i}
                output={task.output}
                document={task.context?.document ?? ''}
                decision={decisions[c.id]}
                selected={current?.id === c.id}
                readOnly={readOnly}
                mode={current?.id === c.id ? mode : null}
                onSelect={() => setSelected(i)}
                onAccept={actions.accept}
                onReject={actions.reject}
                onEdit={actions.edit}
                onPickReason={(reason) => {
                  setMode(null);
                  decide({ type: 'decision-recorded', critique: c.id, verdict: 'reject', reason });
                }}
                onSaveEdit={(text) => {
                  setMode(null);
                  decide({ type: 'decision-recorded', critique: c.id, verdict: 'accept', editedText: text });
                }}
                onCancel={() => setMode(null)}
              />
            ))}
          </ol>
          {askable && <AskCriticRow critic={critic} />}
        </section>
      )}
      <section aria-labelledby="own-title">
        <h2 id="own-title">Your flaws {flaws.length > 0 && <span className="muted">{flaws.length}</span>}</h2>
        {flaws.length === 0 && mode?.kind !== 'flaw' && <p className="muted small">Flaws you find that {assisted ? 'no critique mentions' : 'you see'}.</p>}
        <ul className="own-list">
          {flaws.map((f) =>
            mode?.kind === 'flaw' && mode.editing?.id === f.id ? (
              <li key={f.id}>
                <FlawForm
                  kind={task.kind}
                  hasBase={task.base !== null}
                  initial={mode.initial}
                  editing={f}
                  onSave={(d) => saveFlaw(d, f, mode.initial)}
                  onCancel={() => setMode(null)}
                  whereNote={whereNote}
                />
              </li>
            ) : (
              <li key={f.id} className="own-flaw">
                <div className="own-meta small muted">
                  {[f.severity, f.category, describeAnchor(f.anchor, task.output)].filter(Boolean).join(' · ')}
                </div>
                <div className="own-text">{f.description}</div>
                {!readOnly && (
                  <div className="own-actions">
                    <button
                      type="button"
                      className="quiet small"
                      aria-label={`Change flaw ${f.id}`}
                      onClick={() => setMode({ kind: 'flaw', editing: f, initial: draftOf(f) })}
                    >
                      Change
                    </button>
                    <button type="button" className="quiet small" aria-label={`Delete flaw ${f.id}`} onClick={() => record({ type: 'flaw-deleted', id: f.id })}>
                      Delete
                    </button>
                  </div>
                )}
              </li>
            ),
          )}
        </ul>
        {mode?.kind === 'flaw' && mode.editing === null && (
          <FlawForm
            kind={task.kind}
            hasBase={task.base !== null}
            initial={mode.initial}
            editing={null}
            onSave={(d) => saveFlaw(d, null, mode.initial)}
            onCancel={() => setMode(null)}
            whereNote={whereNote}
          />
        )}
        {!readOnly && mode?.kind !== 'flaw' && (
          <div className="row">
            <button type="button" onClick={actions.flaw} aria-keyshortcuts="f">
              Add flaw
            </button>
            <kbd aria-hidden="true">f</kbd>
          </div>
        )}
      </section>
      <section aria-labelledby="rating-title" className="rating-section">
        <h2 id="rating-title">Rating</h2>
        <div role="radiogroup" aria-label="Rating" className="rating">
          {[1, 2, 3, 4, 5, 6, 7].map((n) => (
            <label key={n} className={state.content.rating === n ? 'checked' : undefined}>
              <input
                type="radio"
                name={`rating-${item}`}
                value={n}
                checked={state.content.rating === n}
                disabled={readOnly}
                onChange={() => actions.rate(n)}
              />
              {n}
            </label>
          ))}
        </div>
        <div className="rating-scale small muted" aria-hidden="true">
          <span>1 very poor</span>
          <span>7 excellent</span>
        </div>
      </section>
      {mode?.kind === 'skip' && (
        <SkipForm
          onSkip={(reason) => {
            setMode(null);
            if (record({ type: 'skipped', reason })) setFinishing(true);
          }}
          onCancel={() => setMode(null)}
        />
      )}
      {!readOnly && (
        <div className="submit-row">
          <button type="button" className="primary" onClick={submit} aria-keyshortcuts="Control+Enter" disabled={finishing}>
            Submit
          </button>
          <span className="muted small">Ctrl+Enter{state.content.rating === null ? ' · rate first (1–7)' : ''}</span>
        </div>
      )}
    </div>
  );

  return (
    <section className="workspace" aria-label={`Review: ${task.title ?? task.id}`} data-review-item={item} data-review-ready="true">
      <div className="ws-bar">
        <button type="button" onClick={onBack} className="quiet">
          ← Queue
        </button>
        <span className="ws-label">
          {view.item.label} · {view.item.position} of {view.item.total}
        </span>
        <h1 className="ws-title">{task.title ?? task.id}</h1>
        <span className="spacer" />
        <SaveIndicator save={save} />
        <ActiveClock activeMs={session.activeMs} />
        <button type="button" className="quiet" onClick={actions.undo} disabled={readOnly || state.undo.length === 0} aria-keyshortcuts="Control+Z">
          Undo
        </button>
        <button type="button" className="quiet" onClick={actions.redo} disabled={readOnly || state.redo.length === 0} aria-keyshortcuts="Control+Shift+Z">
          Redo
        </button>
        <button type="button" className="quiet" onClick={actions.help} aria-keyshortcuts="?">
          Shortcuts
        </button>
        {!readOnly && (
          <button type="button" onClick={actions.skip} aria-keyshortcuts="s">
            Skip
          </button>
        )}
        {readOnly && next && (
          <button type="button" className="primary" onClick={() => onOpen(next.id)}>
            Next item →
          </button>
        )}
      </div>
      {notice && (
        <div role="alert" className="ws-notice">
          <span>{notice}</span>
          <button type="button" className="quiet small" onClick={session.dismissNotice}>
            Dismiss
          </button>
        </div>
      )}
      <ResizablePanes
        layout={task.kind}
        defaults={task.kind === 'code' ? [0.2, 0.52, 0.28] : [0.36, 0.34, 0.3]}
        labels={['Context', task.kind === 'code' ? 'Code' : 'Output', assisted ? 'Critiques' : 'Your review']}>
        {[contextPane, outputPane, panel]}
      </ResizablePanes>
      {mode?.kind === 'help' && <ShortcutSheet onClose={() => setMode(null)} />}
    </section>
  );
}

interface CardProps {
  readonly critique: ShownCritique;
  readonly index: number;
  readonly output: string;
  /** The context document: evidence anchors point into it. */
  readonly document: string;
  readonly decision: Decision | undefined;
  readonly selected: boolean;
  readonly readOnly: boolean;
  readonly mode: Mode;
  readonly onSelect: () => void;
  readonly onAccept: () => void;
  readonly onReject: () => void;
  readonly onEdit: () => void;
  readonly onPickReason: (r: NonNullable<Decision['reason']>) => void;
  readonly onSaveEdit: (text: string) => void;
  readonly onCancel: () => void;
}

function CritiqueCard(p: CardProps): React.JSX.Element {
  const ref = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (p.selected) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [p.selected]);
  const c = p.critique;
  const edited = p.decision?.editedText;
  return (
    <li
      ref={ref}
      className={`cq-card ${verdictClass(p.decision)}${p.selected ? ' selected' : ''}`}
      aria-current={p.selected ? 'true' : undefined}
      aria-label={`Critique ${p.index + 1}`}
      onClick={p.onSelect}
    >
      <div className="cq-meta small">
        <span className="cq-num">{p.index + 1}</span>
        {c.severity && <span className={`chip sev-${c.severity}`}>{c.severity}</span>}
        {c.category && <span className="chip">{c.category}</span>}
        <span className="muted">{c.anchor ? describeAnchor(c.anchor, p.output) : 'whole output'}</span>
        <span className="spacer" />
        <span className={`verdict ${verdictClass(p.decision)}`}>{verdictText(p.decision)}</span>
      </div>
      {edited !== undefined ? (
        <>
          <p className="cq-text">{edited}</p>
          <p className="cq-original small muted">
            Model wrote: <s>{c.text}</s>
          </p>
        </>
      ) : (
        <p className="cq-text">{c.text}</p>
      )}
      {p.selected && c.evidence.length > 0 && (
        <ul className="cq-evidence small">
          {c.evidence.map((e, i) => (
            <li key={i}>
              <span className="ev-swatch" aria-hidden="true" /> Evidence: {describeAnchor(e.anchor, p.document)}
              {e.note && <span className="muted"> — {e.note}</span>}
              {!e.range && <span className="muted"> (not found in the document)</span>}
            </li>
          ))}
        </ul>
      )}
      {p.selected && !p.readOnly && p.mode === null && (
        <div className="cq-actions" onClick={(e) => e.stopPropagation()}>
          <button type="button" onClick={p.onAccept} aria-keyshortcuts="a" className={p.decision?.verdict === 'accept' ? 'on' : undefined}>
            Accept
          </button>
          <button type="button" onClick={p.onReject} aria-keyshortcuts="r" className={p.decision?.verdict === 'reject' ? 'on' : undefined}>
            Reject
          </button>
          <button type="button" onClick={p.onEdit} aria-keyshortcuts="e">
            Edit
          </button>
          <span className="muted small keys" aria-hidden="true">
            a · r · e · j/k
          </span>
        </div>
      )}
      {p.selected && p.mode?.kind === 'reject' && (
        <div onClick={(e) => e.stopPropagation()}>
          <ReasonPicker onPick={p.onPickReason} onCancel={p.onCancel} />
        </div>
      )}
      {p.selected && p.mode?.kind === 'edit' && (
        <div onClick={(e) => e.stopPropagation()}>
          <CritiqueEditor initial={edited ?? c.text} onSave={p.onSaveEdit} onCancel={p.onCancel} />
        </div>
      )}
    </li>
  );
}
