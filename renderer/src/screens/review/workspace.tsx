import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { QueueEntry, ReviewView, ShownCritique } from '../../../../shared/contract/review.js';
import type { ReviewEvent } from '../../../../shared/review/events.js';
import type { LineSelection } from '../../components/code-view.js';
import { selectionIn } from './chunked-text.js';
import { ConfirmDialog } from './confirm-dialog.js';
import { ContextPane } from './context-pane.js';
import { AskCriticRow, askCriticRefusal, useAskCritic } from './ask-critic.js';
import { CritiquePanel } from './critique-panel.js';
import type { FlawDraft } from './forms.js';
import { bindingFor, workspaceKeys, type WorkspaceAction } from './keymap.js';
import type { Mode } from './modes.js';
import { OutputPane } from './output-pane.js';
import { OwnFlaws } from './own-flaws.js';
import { paneMinWidths, ResizablePanes } from './panes.js';
import { usePrefetch } from './prefetch.js';
import { nextOpenItem } from './queue-order.js';
import { checkSubmit, stepConfidence } from './settings.js';
import { countdownSource, formatRemaining, remainingMs } from './countdown.js';
import { InstructionsDialog, instructionsSeen, rememberInstructionsSeen } from './instructions.js';
import { arrivedView, takePrefetched } from './prefetch.js';
import { call } from '../../api/client.js';
import { ShortcutSheet } from './shortcut-sheet.js';
import { DoneBanner, SubmitBar, type ReopenChance } from './submit-bar.js';
import { fileCode, firstUndecided, taskLookup, useMarks } from './verdicts.js';
import { fileCounts, initialFile, reviewOrder, stepFile } from './change-files.js';
import { useReviewSession, type ReviewSession } from './use-review-session.js';
import { WorkspaceBar } from './ws-bar.js';
import { isTypingTarget } from './typing.js';

interface Props {
  readonly evaluator: string;
  readonly item: number;
  readonly queue: readonly QueueEntry[];
  readonly onBack: () => void;
  readonly onOpen: (item: number) => void;
  /** Every item of this item's part of the queue (its study, or practice) is finished. */
  readonly onFinished: (study: string) => void;
  readonly onStatus: (item: number, status: QueueEntry['status']) => void;
}

/** What the workspace shows before the review: nothing yet, the study's instructions, or the review. */
type Stage = { readonly kind: 'waiting' } | { readonly kind: 'instructions'; readonly view: ReviewView } | { readonly kind: 'review' };

/** True when the study's instructions come before this item: the first one begun, and not read before. */
function instructionsFirst(evaluator: string, view: ReviewView): boolean {
  return view.settings.instructions !== null && view.review === null && !instructionsSeen(evaluator, view.item.study);
}

/** Where a loaded view starts: its study's instructions when they come first, else the review. */
function stageFor(evaluator: string, v: ReviewView): Stage {
  return instructionsFirst(evaluator, v) ? { kind: 'instructions', view: v } : { kind: 'review' };
}

/**
 * The review workspace for one queue item. When the item's study has instructions the evaluator has
 * not read, they come first, before `review:begin`, so that a time limit's clock does not run while
 * they are read.
 */
export function Workspace(props: Props): React.JSX.Element {
  const { evaluator, item } = props;
  const [viewPromise] = useState(() => {
    const p = takePrefetched(evaluator, item) ?? call('review:view', { evaluator, item });
    p.catch(() => undefined); // the session reports a failed load
    return p;
  });
  // A prefetched view that is already in decides at once: the item shows in the first render.
  const [stage, setStage] = useState<Stage>(() => {
    const v = arrivedView(viewPromise);
    return v ? stageFor(evaluator, v) : { kind: 'waiting' };
  });
  useEffect(() => {
    let cancelled = false;
    viewPromise.then(
      (v) => !cancelled && setStage((s) => (s.kind === 'waiting' ? stageFor(evaluator, v) : s)),
      () => !cancelled && setStage({ kind: 'review' }),
    );
    return () => {
      cancelled = true;
    };
  }, [viewPromise, evaluator]);
  if (stage.kind === 'review') return <SessionWorkspace {...props} initialView={viewPromise} />;
  return (
    <div className="workspace ws-loading" aria-busy={stage.kind === 'waiting'}>
      {stage.kind === 'instructions' && (
        <InstructionsDialog
          instructions={stage.view.settings.instructions!}
          study={stage.view.item.study}
          first
          onClose={() => {
            rememberInstructionsSeen(evaluator, stage.view.item.study);
            setStage({ kind: 'review' });
          }}
        />
      )}
    </div>
  );
}

/** The workspace once the review may start: begins it and shows it. */
function SessionWorkspace(props: Props & { readonly initialView: Promise<ReviewView> }): React.JSX.Element {
  const session = useReviewSession(props.evaluator, props.item, props.initialView);
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

interface LoadedProps extends Props {
  readonly session: ReviewSession;
  readonly view: ReviewView;
}

/** How long the item ended by the clock stays on screen, saying so, before the next one opens. */
const clockPauseMs = 2_500;

/**
 * One loaded item: owns the selection, the open form and the actions; the panes (context, output,
 * critiques, own flaws, question, rating and submit) only show and report. Every key goes through
 * the key table (keymap.ts), every submit through {@link checkSubmit}, and the study's settings
 * (`view.settings`) decide what is asked and offered.
 */
function LoadedWorkspace({ evaluator, item, queue, onBack, onOpen, onFinished, onStatus, session, view }: LoadedProps): React.JSX.Element {
  const { state, record, save, notice, warn } = session;
  const settings = view.settings;
  const task = view.task;
  const files = task.files;
  // A multi-file change is reviewed file by file: critiques in file order, then by line.
  const critiques = useMemo(() => reviewOrder(view.critiques ?? [], task.files), [view.critiques, task.files]);
  const lookup = useMemo(() => taskLookup(task), [task]);
  const assisted = view.critiques !== null;
  const readOnly = state.status !== 'open';
  // Resume on the first critique still undecided.
  const [selected, setSelected] = useState(() => firstUndecided(critiques, state.content.decisions));
  const [mode, setMode] = useState<Mode>(null);
  const [lineSel, setLineSel] = useState<(LineSelection & { readonly path: string | null }) | null>(null);
  // The file on screen (multi-file): the selected critique's, unless the evaluator chose another
  // file while that critique was selected.
  const [fileChoice, setFileChoice] = useState<{ readonly path: string; readonly with: string | undefined } | null>(null);
  const [finishing, setFinishing] = useState(false);
  const [lastAction, setLastAction] = useState<WorkspaceAction | null>(null);
  // the clock ended this item while it was on screen: it says so for a moment, then the next opens
  const [clockEnded, setClockEnded] = useState(false);
  const outputRef = useRef<HTMLDivElement>(null);
  const docRef = useRef<HTMLDivElement>(null);
  const current: ShownCritique | undefined = critiques[Math.min(selected, critiques.length - 1)];
  const next = nextOpenItem(queue, item);
  const shownPath: string | null = !files
    ? null
    : fileChoice && fileChoice.with === current?.id
      ? fileChoice.path
      : current?.range?.path && files.some((f) => f.path === current.range!.path)
        ? current.range.path
        : (fileChoice?.path ?? initialFile(files, current));
  const shownFile = files && shownPath !== null ? (files.find((f) => f.path === shownPath) ?? null) : null;
  /** Shows a file of the change, selecting critique `critique` (else keeping the selection). */
  const openFile = (path: string, critique?: number): void => {
    const at = critique ?? selected;
    setSelected(at);
    setFileChoice({ path, with: critiques[Math.min(at, critiques.length - 1)]?.id });
  };
  /** Selects critique `i` and shows it where it is (in a change: its file, whichever file was chosen before). */
  const showCritique = (i: number): void => {
    setSelected(i);
    setFileChoice(null);
  };
  const askRefusal = askCriticRefusal(view, readOnly);
  const askable = askRefusal === null;
  const critic = useAskCritic(session, setSelected);

  usePrefetch(evaluator, next);

  // Tell the queue; after submit/skip, move on once the server has the event: to the next item of
  // the same part of the queue, or — when that part is done — to its finished screen.
  useEffect(() => {
    onStatus(item, state.status);
  }, [item, state.status, onStatus]);
  useEffect(() => {
    if (!(finishing && readOnly && save.kind === 'saved')) return;
    const moveOn = (): void => {
      setFinishing(false);
      if (next) onOpen(next.id);
      else onFinished(view.item.study);
    };
    if (!clockEnded) return moveOn();
    const t = window.setTimeout(moveOn, clockPauseMs);
    return () => window.clearTimeout(t);
  }, [finishing, readOnly, save.kind, next, onOpen, onFinished, view.item.study, clockEnded]);

  // The time limit: counted from what the server said was left when the clock arrived (a reload
  // asks again, so it never restarts); at zero the item ends as the study says.
  const clock = view.review?.clock ?? null;
  const source = useMemo(() => countdownSource(view, settings, performance.now()), [view, settings]);
  const [timeOver, setTimeOver] = useState(() => source?.kind === 'enforced' && remainingMs(source, performance.now(), Date.now()) <= 0);
  useEffect(() => {
    if (source?.kind !== 'enforced') return;
    const left = remainingMs(source, performance.now(), Date.now());
    if (left <= 0) {
      setTimeOver(true);
      return;
    }
    setTimeOver(false);
    const t = window.setTimeout(() => setTimeOver(true), left);
    return () => window.clearTimeout(t);
  }, [source]);
  const expirySent = useRef(false);
  useEffect(() => {
    if (!timeOver || state.status !== 'open' || source?.kind !== 'enforced' || expirySent.current) return;
    expirySent.current = true;
    setMode(null);
    if (record({ type: 'time-expired', outcome: source.outcome })) {
      setClockEnded(true);
      setFinishing(true);
    }
  }, [timeOver, state.status, source, record]);
  const reopen: ReopenChance = view.item.closed
    ? { ok: false, why: 'Its study is closed, so it can no longer change.' }
    : clock !== null && timeOver
      ? { ok: false, why: `Its time limit (${formatRemaining((settings.timeLimitSeconds ?? 0) * 1000)}) has run out, so it cannot be reopened.` }
      : { ok: true };

  const decide = useCallback(
    (event: ReviewEvent) => {
      if (record(event) && critiques.length > 0) setSelected((i) => Math.min(i + 1, critiques.length - 1));
    },
    [record, critiques.length],
  );

  const flawDraft = (): FlawDraft => {
    if (task.kind === 'code') {
      const sel = lineSel && lineSel.path === shownPath ? lineSel : null;
      const where = sel ? (sel.lines[0] === sel.lines[1] ? `${sel.lines[0]}` : `${sel.lines[0]}-${sel.lines[1]}`) : '';
      // a deleted file has only old lines
      return { description: '', severity: '', category: '', where, pinned: null, side: sel?.side ?? (shownFile?.deleted ? 'base' : 'output'), path: shownPath };
    }
    // Keep where the selection starts: a phrase that occurs twice must be anchored where it was selected.
    const sel = selectionIn(outputRef.current);
    return { description: '', severity: '', category: '', where: sel ? task.output.slice(sel.start, sel.end) : '', pinned: sel ? { start16: sel.start, end16: sel.end } : null, side: 'output', path: null };
  };
  const decisions = state.content.decisions;
  const flaws = state.content.flaws;
  const stepFileBy = (step: number): void => {
    if (!files || shownPath === null) return;
    const to = stepFile(files, shownPath, step, critiques, decisions);
    openFile(to.path, to.critique);
  };

  /** The one way to submit: the check first (rating, question, undecided critiques), then the event. */
  const submit = (confirmed = false): void => {
    if (readOnly || finishing) return;
    const check = checkSubmit(state, critiques, settings);
    if (check.kind === 'confirm' && !confirmed) {
      setMode({ kind: 'confirm-submit', message: check.message });
      return;
    }
    if (check.kind === 'refuse') {
      // say what is missing, and go there
      warn(check.message);
      if (check.missing === 'decisions') showCritique(firstUndecided(critiques, state.content.decisions));
      else document.getElementById(check.missing === 'rating' ? 'rating-title' : 'question-title')?.scrollIntoView({ block: 'nearest' });
      return;
    }
    setMode(null);
    if (record({ type: 'submitted' })) setFinishing(true);
  };

  const answer = (yes: boolean): unknown => {
    if (readOnly) return;
    if (settings.question === null) return warn('This study asks no question.');
    return record({ type: 'answer-set', answer: yes });
  };
  const confidence = (direction: 1 | -1): unknown => {
    if (readOnly) return;
    if (settings.question === null) return warn('This study asks no question, so there is no confidence to give.');
    return record({ type: 'confidence-set', confidence: stepConfidence(state.content.confidence, direction) });
  };

  const actions: Readonly<Record<WorkspaceAction, (key: string) => unknown>> = {
    'next-critique': () => setSelected((i) => Math.min(i + 1, Math.max(0, critiques.length - 1))),
    'prev-critique': () => setSelected((i) => Math.max(i - 1, 0)),
    'next-file': () => stepFileBy(1),
    'prev-file': () => stepFileBy(-1),
    accept: () => current && !readOnly && decide({ type: 'decision-recorded', critique: current.id, verdict: 'accept' }),
    reject: () => current && !readOnly && setMode({ kind: 'reject' }),
    edit: () => current && !readOnly && setMode({ kind: 'edit' }),
    'add-flaw': () => !readOnly && setMode({ kind: 'flaw', editing: null, initial: flawDraft() }),
    rate: (key) => !readOnly && (settings.rating === 'off' ? warn('This study does not ask for a rating.') : record({ type: 'rating-set', rating: Number(key) })),
    answer: (key) => answer(key === 'y'),
    'more-sure': () => confidence(1),
    'less-sure': () => confidence(-1),
    submit: () => submit(),
    skip: () => !readOnly && setMode({ kind: 'skip' }),
    undo: () => !readOnly && record({ type: 'undone' }),
    redo: () => !readOnly && record({ type: 'redone' }),
    reopen: () => readOnly && (reopen.ok ? record({ type: 'reopened' }) : warn(`This review cannot be reopened: ${reopen.why}`)),
    'next-item': () => readOnly && next && onOpen(next.id),
    queue: () => onBack(),
    // (not offered here: the key says why, and asks nothing)
    'ask-critic': () => (askRefusal !== null ? warn(askRefusal) : !critic.asking && critic.ask()),
    instructions: () => (settings.instructions !== null ? setMode({ kind: 'instructions' }) : warn('This study has no instructions.')),
    help: () => setMode({ kind: 'help' }),
  };
  const actionsRef = useRef(actions);
  actionsRef.current = actions;
  const modeRef = useRef(mode);
  modeRef.current = mode;

  // The keys: one handler, driven by the key table.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || isTypingTarget(e.target) || modeRef.current !== null) return;
      const binding = bindingFor(workspaceKeys, e);
      if (!binding) return;
      e.preventDefault();
      setLastAction(binding.action);
      actionsRef.current[binding.action](e.key);
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

  const { outputMarks, docMarks, codeMarks } = useMarks(task, critiques, decisions, flaws, current, shownPath, lookup);
  const counts = useMemo(() => (files ? fileCounts(files, critiques, decisions, flaws) : null), [files, critiques, decisions, flaws]);

  const selectCritique = useCallback(
    (id: string) => {
      const bare = id.startsWith('c:') ? id.slice(2) : id;
      const i = critiques.findIndex((c) => c.id === bare);
      if (i >= 0) setSelected(i);
    },
    [critiques],
  );

  const reveal = useMemo(
    (): LineSelection | null => (current?.range && (current.range.path ?? null) === shownPath ? { lines: current.range.lines, side: current.range.side } : null),
    [current, shownPath],
  );
  // lines selected in a deleted file (shown as its old text alone) are old lines
  const onSelectLines = useCallback(
    (sel: LineSelection | null) => setLineSel(sel ? { ...sel, side: shownFile?.deleted ? 'base' : sel.side, path: shownPath } : null),
    [shownPath, shownFile],
  );
  const shownCode = useMemo(() => (shownFile ? fileCode(shownFile, task.language, codeMarks, reveal) : null), [shownFile, task.language, codeMarks, reveal]);
  const fileOutput = useCallback((path: string) => files?.find((f) => f.path === path)?.output ?? '', [files]);
  const cancel = (): void => setMode(null);

  const panel = (
    <div className="ws-scroll ws-panel">
      {readOnly && <DoneBanner state={state} reopen={reopen} onReopen={() => actions.reopen('')} />}
      {readOnly && clockEnded && finishing && (
        <p role="status" className="muted small">
          Time is up. {next ? 'The next item opens in a moment…' : 'Going on…'}
        </p>
      )}
      {assisted && (
        <CritiquePanel
          critiques={critiques}
          decisions={decisions}
          selected={Math.min(selected, critiques.length - 1)}
          output={task.output}
          fileOutput={files ? fileOutput : undefined}
          document={task.context?.document ?? ''}
          readOnly={readOnly}
          mode={mode}
          reasonOptional={settings.rejectReason === 'optional'}
          onSelect={setSelected}
          onAccept={() => actions.accept('')}
          onReject={() => actions.reject('')}
          onEdit={() => actions.edit('')}
          onPickReason={(critique, reason) => {
            setMode(null);
            decide({ type: 'decision-recorded', critique, verdict: 'reject', ...(reason !== null ? { reason } : {}) });
          }}
          onSaveEdit={(critique, text) => {
            setMode(null);
            decide({ type: 'decision-recorded', critique, verdict: 'accept', editedText: text });
          }}
          onCancel={cancel}
        />
      )}
      {askable && <AskCriticRow critic={critic} />}
      <OwnFlaws task={task} state={state} assisted={assisted} readOnly={readOnly} categories={settings.categories} mode={mode} setMode={setMode} onAdd={() => actions['add-flaw']('f')} record={record} shownPath={shownPath} />
      <SubmitBar
        item={item}
        state={state}
        critiques={critiques}
        settings={settings}
        readOnly={readOnly}
        busy={finishing}
        mode={mode}
        onRate={(n) => actions.rate(String(n))}
        onAnswer={(yes) => answer(yes)}
        onConfidence={(c) => !readOnly && record({ type: 'confidence-set', confidence: c })}
        onSubmit={() => submit()}
        onSkip={(reason) => {
          setMode(null);
          if (record({ type: 'skipped', reason })) setFinishing(true);
        }}
        onCancel={cancel}
      />
    </div>
  );

  return (
    <section
      className="workspace"
      aria-label={`Review: ${task.title ?? task.id}`}
      data-review-item={item}
      data-review-ready="true"
      data-last-action={lastAction ?? undefined}
    >
      <WorkspaceBar
        view={view}
        save={save}
        activeMs={session.activeMs}
        readOnly={readOnly}
        canUndo={state.undo.length > 0}
        canRedo={state.redo.length > 0}
        hasNext={next !== undefined}
        countdown={readOnly ? null : source}
        hasInstructions={settings.instructions !== null}
        onInstructions={() => actions.instructions('')}
        onQueue={onBack}
        onUndo={() => actions.undo('')}
        onRedo={() => actions.redo('')}
        onHelp={() => actions.help('')}
        onSkip={() => actions.skip('')}
        onNext={() => actions['next-item']('')}
      />
      {notice && (
        <div role="alert" className="ws-notice">
          <span>{notice}</span>
          <button type="button" className="quiet small" onClick={session.dismissNotice}>
            Dismiss
          </button>
        </div>
      )}
      <ResizablePanes
        layout={files ? 'change' : task.kind}
        defaults={files ? [0.15, 0.59, 0.26] : task.kind === 'code' ? [0.2, 0.5, 0.3] : [0.34, 0.34, 0.32]}
        minWidths={paneMinWidths}
        labels={['Context', files ? 'Change' : task.kind === 'code' ? 'Code' : 'Output', assisted ? 'Critiques' : 'Your review']}
      >
        {[
          <ContextPane key="context" task={task} marks={docMarks} docRef={docRef} />,
          <OutputPane
            key="output"
            task={task}
            marks={outputMarks}
            codeMarks={codeMarks}
            reveal={reveal}
            lineSelection={lineSel && lineSel.path === shownPath ? lineSel : null}
            onSelectLines={onSelectLines}
            onMarkClick={selectCritique}
            outputRef={outputRef}
            change={
              files && shownFile && shownCode && counts
                ? { files, file: shownFile, code: shownCode, counts, critiques: assisted, onOpenFile: (path) => openFile(path, stepFile(files, path, 0, critiques, decisions).critique) }
                : undefined
            }
          />,
          panel,
        ]}
      </ResizablePanes>
      {mode?.kind === 'help' && <ShortcutSheet onClose={cancel} />}
      {mode?.kind === 'instructions' && settings.instructions !== null && (
        <InstructionsDialog instructions={settings.instructions} study={view.item.study} first={false} onClose={cancel} />
      )}
      {mode?.kind === 'confirm-submit' && (
        <ConfirmDialog
          title="Submit with undecided critiques?"
          message={mode.message}
          confirmText="Submit anyway"
          cancelText="Go back to them"
          onConfirm={() => submit(true)}
          onCancel={() => {
            setMode(null);
            showCritique(firstUndecided(critiques, decisions));
          }}
        />
      )}
    </section>
  );
}
