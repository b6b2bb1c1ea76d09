import type { ReviewView } from '../../../../shared/contract/review.js';
import { flawCategories, type OwnFlaw, type ReviewEvent } from '../../../../shared/review/events.js';
import { nextFlawId, type ReviewState } from '../../../../shared/review/state.js';
import { describeAnchor, linesToAnchor, occurrencesOf, quoteToAnchor, whereOfAnchor } from './anchors.js';
import { FlawForm, type FlawDraft } from './forms.js';
import { keyLabel, keysOf } from './keymap.js';
import type { Mode } from './modes.js';

type Task = ReviewView['task'];

/** A file's output or base (multi-file tasks; '' when there is no such file or side). */
function fileText(task: Task, path: string, side: 'output' | 'base'): string {
  const f = task.files?.find((x) => x.path === path);
  return (side === 'base' ? f?.base : f?.output) ?? '';
}

/** How a flaw's place reads in the list: its file too in a multi-file change. */
export function describeFlawPlace(f: OwnFlaw, task: Task): string {
  if (!f.anchor) return task.files ? 'whole change' : 'whole output';
  return describeAnchor(f.anchor, f.anchor.path !== undefined ? fileText(task, f.anchor.path, 'output') : task.output);
}

/**
 * The form's draft for changing an own flaw: the anchor's full text (not its shortened display) and
 * place, and its file in a multi-file change (`shownPath`, the open file, when it has none).
 */
export function draftOf(f: OwnFlaw, task: Task, shownPath: string | null = null): FlawDraft {
  const path = f.anchor?.path;
  const where = path !== undefined ? whereOfAnchor(f.anchor, fileText(task, path, 'output'), fileText(task, path, 'base')) : whereOfAnchor(f.anchor, task.output, task.base);
  return { description: f.description, severity: f.severity ?? '', category: f.category ?? '', ...where, path: path ?? (task.files ? shownPath : null) };
}

/**
 * The event that saves a flaw form, or why it cannot be saved. An unchanged place keeps the flaw's
 * anchor exactly; a quote that occurs several times points at the occurrence that was selected.
 */
export function flawEvent(task: Task, state: ReviewState, draft: FlawDraft, editing: OwnFlaw | null, initial: FlawDraft): { event: ReviewEvent } | { error: string } {
  let anchor: OwnFlaw['anchor'];
  if (editing && draft.where === initial.where && draft.side === initial.side && draft.path === initial.path) {
    anchor = editing.anchor; // the place was not touched: keep its anchor exactly
  } else if (draft.where.trim() && task.files) {
    // a multi-file change: lines of the chosen file, on a side it has
    const file = task.files.find((f) => f.path === draft.path);
    if (!file) return { error: 'Choose the file the lines are in.' };
    if (draft.side === 'base' && file.base === null) return { error: `${file.path} is a new file: it has no old lines.` };
    if (draft.side === 'output' && file.deleted) return { error: `${file.path} was deleted: choose its old lines (side old).` };
    const r = linesToAnchor(draft.side === 'base' ? file.base! : file.output, draft.where, draft.side);
    if ('error' in r) return { error: r.error };
    anchor = { ...r.anchor, path: file.path };
  } else if (draft.where.trim()) {
    const r =
      task.kind === 'code'
        ? linesToAnchor(draft.side === 'base' && task.base !== null ? task.base : task.output, draft.where, draft.side)
        : quoteToAnchor(task.output, draft.where, draft.pinned);
    if ('error' in r) return { error: r.error };
    anchor = r.anchor;
  }
  const flaw: OwnFlaw = {
    id: editing?.id ?? nextFlawId(state),
    description: draft.description.trim(),
    ...(anchor ? { anchor } : {}),
    ...(draft.severity ? { severity: draft.severity } : {}),
    ...(draft.category ? { category: draft.category } : {}),
  };
  return { event: editing ? { type: 'flaw-edited', flaw } : { type: 'flaw-added', flaw } };
}

/** Says when a quote occurs more than once, and which occurrence the flaw will point at. */
function whereNote(task: Task, draft: FlawDraft): string | null {
  if (task.kind !== 'summary' || !draft.where) return null;
  const n = occurrencesOf(task.output, draft.where).length;
  if (n < 2) return null;
  return draft.pinned === null
    ? `Occurs ${n} times in the output; the flaw will point at the first. To choose another, cancel, select it in the output and press ${keyLabel(keysOf('add-flaw'))}.`
    : `Occurs ${n} times in the output; the flaw points at the one you selected.`;
}

interface Props {
  readonly task: Task;
  readonly state: ReviewState;
  /** Whether critiques are shown (then "your flaws" are the ones no critique mentions). */
  readonly assisted: boolean;
  readonly readOnly: boolean;
  /** The study's flaw categories; null: the default list. */
  readonly categories: readonly string[] | null;
  readonly mode: Mode;
  readonly setMode: (mode: Mode) => void;
  readonly onAdd: () => void;
  /** A multi-file change: the open file (a changed flaw without a file starts there). */
  readonly shownPath?: string | null;
  /** Records an event; false when it was refused. */
  readonly record: (event: ReviewEvent) => boolean;
}

/** The flaws the evaluator found: listed with their place, changed or deleted in place, added with `f`. */
export function OwnFlaws({ task, state, assisted, readOnly, categories, mode, setMode, onAdd, record, shownPath = null }: Props): React.JSX.Element {
  const flaws = state.content.flaws;
  const files = task.files?.map((f) => ({ path: f.path, hasBase: f.base !== null, deleted: f.deleted }));
  const save = (draft: FlawDraft, editing: OwnFlaw | null, initial: FlawDraft): string | null => {
    const r = flawEvent(task, state, draft, editing, initial);
    if ('error' in r) return r.error;
    if (!record(r.event)) return 'Not saved (see the message above).';
    setMode(null);
    return null;
  };
  const form = (editing: OwnFlaw | null, initial: FlawDraft): React.JSX.Element => (
    <FlawForm
      kind={task.kind}
      hasBase={task.base !== null}
      files={files}
      initial={initial}
      editing={editing}
      categories={categories ?? flawCategories}
      studyCategories={categories !== null}
      onSave={(d) => save(d, editing, initial)}
      onCancel={() => setMode(null)}
      whereNote={(d) => whereNote(task, d)}
    />
  );
  return (
    <section aria-labelledby="own-title">
      <h2 id="own-title">Flaws you found {flaws.length > 0 && <span className="muted">{flaws.length}</span>}</h2>
      {flaws.length === 0 && mode?.kind !== 'flaw' && (
        <p className="muted small">{assisted ? 'Problems no critique mentions: add each one here.' : 'Every problem you find in the output: add each one here.'}</p>
      )}
      <ul className="own-list">
        {flaws.map((f) =>
          mode?.kind === 'flaw' && mode.editing?.id === f.id ? (
            <li key={f.id}>{form(f, mode.initial)}</li>
          ) : (
            <li key={f.id} className="own-flaw">
              <div className="own-meta small muted">{[f.severity, f.category, describeFlawPlace(f, task)].filter(Boolean).join(' · ')}</div>
              <div className="own-text">{f.description}</div>
              {!readOnly && (
                <div className="own-actions">
                  <button type="button" className="quiet small" aria-label={`Change flaw ${f.id}`} onClick={() => setMode({ kind: 'flaw', editing: f, initial: draftOf(f, task, shownPath) })}>
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
      {mode?.kind === 'flaw' && mode.editing === null && form(null, mode.initial)}
      {!readOnly && mode?.kind !== 'flaw' && (
        <div className="row">
          <button type="button" onClick={onAdd} aria-keyshortcuts={keysOf('add-flaw')}>
            Add flaw
          </button>
          <kbd aria-hidden="true">{keyLabel(keysOf('add-flaw'))}</kbd>
        </div>
      )}
    </section>
  );
}
