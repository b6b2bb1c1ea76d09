import { useEffect, useRef, useState } from 'react';
import { rejectReasons, type OwnFlaw, type RejectReason } from '../../../../shared/review/events.js';
import type { Severity } from '../../../../shared/task-format.js';
import type { Pinned } from './anchors.js';
import { ariaKeys, bindingFor, formKeys, keyLabel, rejectReasonKeys, type ReasonChoice } from './keymap.js';

const reasonLabels: Readonly<Record<RejectReason, string>> = {
  incorrect: 'Incorrect',
  nitpick: 'Nitpick',
  unclear: 'Unclear',
  duplicate: 'Duplicate',
  other: 'Other',
};

/**
 * Picks a reject reason: click, or its key (the first letter); Esc cancels. Where the study makes the
 * reason optional, "No reason" comes first and has the focus (Enter takes it, `x` too): the reasons
 * are still offered, not forced.
 */
export function ReasonPicker({
  optional,
  onPick,
  onCancel,
}: {
  readonly optional: boolean;
  readonly onPick: (r: RejectReason | null) => void;
  readonly onCancel: () => void;
}): React.JSX.Element {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  const choices: readonly ReasonChoice[] = optional ? ['none', ...rejectReasons] : rejectReasons;
  const pick = (c: ReasonChoice): void => onPick(c === 'none' ? null : c);
  return (
    <div
      role="group"
      aria-label={optional ? 'Why reject? (optional)' : 'Why reject?'}
      className="reason-picker"
      onKeyDown={(e) => {
        if (bindingFor(formKeys, e)?.action === 'cancel') {
          e.preventDefault();
          e.stopPropagation();
          onCancel();
          return;
        }
        const hit = bindingFor(rejectReasonKeys, e);
        if (hit && (hit.action !== 'none' || optional)) {
          e.preventDefault();
          e.stopPropagation();
          pick(hit.action);
        }
      }}
    >
      <span className="muted small">{optional ? 'Why reject? (optional)' : 'Why reject?'}</span>
      {choices.map((r, i) => (
        <button key={r} ref={i === 0 ? first : undefined} type="button" aria-keyshortcuts={ariaKeys(rejectReasonKeys, r)} onClick={() => pick(r)}>
          {r === 'none' ? (
            <>
              No reason <kbd aria-hidden="true">x</kbd>
            </>
          ) : (
            <>
              <u>{reasonLabels[r][0]}</u>
              {reasonLabels[r].slice(1)}
            </>
          )}
        </button>
      ))}
      <button type="button" className="quiet" onClick={onCancel} aria-keyshortcuts={ariaKeys(formKeys, 'cancel')}>
        Cancel
      </button>
    </div>
  );
}

/** The label of a reject reason. */
export function reasonLabel(r: RejectReason): string {
  return reasonLabels[r];
}

/** A form's keys (from the key table): save and cancel. */
function useFormKeys(onSave: () => void, onCancel: () => void): (e: React.KeyboardEvent) => void {
  return (e) => {
    const action = bindingFor(formKeys, e)?.action;
    if (!action) return;
    e.preventDefault();
    e.stopPropagation();
    if (action === 'save') onSave();
    else onCancel();
  };
}

/** The hint under a form: its keys, from the key table. */
const formHint = `${keyLabel(ariaKeys(formKeys, 'save'))} saves · ${keyLabel(ariaKeys(formKeys, 'cancel'))} cancels`;

/** Edits a critique's text; saving records an accept-with-edit. The caret starts at the end of the text. */
export function CritiqueEditor({ initial, onSave, onCancel }: { readonly initial: string; readonly onSave: (text: string) => void; readonly onCancel: () => void }): React.JSX.Element {
  const [text, setText] = useState(initial);
  const area = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    // `e` is pressed to change or add to the text: start where the text ends, not before its first word
    const el = area.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
    el.scrollTop = el.scrollHeight;
  }, []);
  const save = (): void => {
    if (text.trim()) onSave(text.trim());
  };
  const onKeyDown = useFormKeys(save, onCancel);
  return (
    <div className="inline-form" onKeyDown={onKeyDown}>
      <label className="field">
        <span>Critique text (saved as accepted with your edit)</span>
        <textarea ref={area} rows={4} value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <div className="form-actions">
        <button type="button" className="primary" onClick={save} disabled={!text.trim()} aria-keyshortcuts={ariaKeys(formKeys, 'save')}>
          Save edit
        </button>
        <button type="button" onClick={onCancel} aria-keyshortcuts={ariaKeys(formKeys, 'cancel')}>
          Cancel
        </button>
        <span className="muted small">{formHint}</span>
      </div>
    </div>
  );
}

/** What the flaw form produces; the anchor text is turned into an anchor by the caller. */
export interface FlawDraft {
  readonly description: string;
  readonly severity: Severity | '';
  readonly category: string;
  /** Summary: a quote from the output. Code: `12` or `12-14`. Empty: the whole output. */
  readonly where: string;
  /**
   * Summary: where the quote was selected in the output, or where the flaw being changed points;
   * a quote that occurs several times is anchored at the occurrence within (or closest to) it.
   */
  readonly pinned: Pinned | null;
  readonly side: 'output' | 'base';
  /** A multi-file change: the file the lines are in (null otherwise). */
  readonly path: string | null;
}

/** A file the flaw form offers (multi-file changes): which sides it has. */
export interface FlawFileChoice {
  readonly path: string;
  readonly hasBase: boolean;
  readonly deleted: boolean;
}

interface FlawFormProps {
  readonly kind: 'summary' | 'code';
  readonly hasBase: boolean;
  /** The files of a multi-file change: the form asks which one the lines are in. */
  readonly files?: readonly FlawFileChoice[] | undefined;
  readonly initial: FlawDraft;
  readonly editing: OwnFlaw | null;
  /** The categories offered: the study's, or the default list (see `offeredCategories`). */
  readonly categories: readonly string[];
  /** True when they are the study's own (the field says so). */
  readonly studyCategories: boolean;
  /** Returns an error message when the draft cannot be saved. */
  readonly onSave: (draft: FlawDraft) => string | null;
  readonly onCancel: () => void;
  /** A note under the "where" field for the current draft (e.g. that a quote occurs twice). */
  readonly whereNote?: (draft: FlawDraft) => string | null;
}

/** Adds or changes an own flaw: description, severity, category and where it is. */
export function FlawForm({ kind, hasBase, files, initial, editing, categories, studyCategories, onSave, onCancel, whereNote }: FlawFormProps): React.JSX.Element {
  const [draft, setDraft] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const save = (): void => {
    if (!draft.description.trim()) {
      setError('Describe the flaw.');
      return;
    }
    setError(onSave(draft));
  };
  const onKeyDown = useFormKeys(save, onCancel);
  const note = whereNote?.(draft) ?? null;
  return (
    <div className="inline-form flaw-form" role="group" aria-label={editing ? `Change flaw ${editing.id}` : 'New flaw'} onKeyDown={onKeyDown}>
      <label className="field">
        <span>Description</span>
        <textarea autoFocus rows={3} value={draft.description} onChange={(e) => setDraft({ ...draft, description: e.target.value })} />
      </label>
      <div className="field-row">
        <label className="field">
          <span>Severity</span>
          <select value={draft.severity} onChange={(e) => setDraft({ ...draft, severity: e.target.value as Severity | '' })}>
            <option value="">—</option>
            <option value="minor">minor</option>
            <option value="major">major</option>
            <option value="critical">critical</option>
          </select>
        </label>
        <label className="field">
          <span>{studyCategories ? 'Category (this study’s)' : 'Category'}</span>
          <select value={draft.category} onChange={(e) => setDraft({ ...draft, category: e.target.value })}>
            <option value="">—</option>
            {/* a flaw saved before (another list) keeps its category visible rather than silently losing it */}
            {draft.category !== '' && !categories.includes(draft.category) && <option value={draft.category}>{draft.category}</option>}
            {categories.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      </div>
      {kind === 'summary' ? (
        <label className="field">
          <span>Quote from the output (empty: the whole output)</span>
          {/* A text area, not an input: a quote may span lines, and an input drops line breaks. */}
          <textarea rows={2} value={draft.where} onChange={(e) => setDraft({ ...draft, where: e.target.value })} />
          {note && <span className="field-note">{note}</span>}
        </label>
      ) : files ? (
        <FileLinesFields files={files} draft={draft} onChange={setDraft} />
      ) : (
        <div className="field-row">
          <label className="field">
            <span>Lines, e.g. 12 or 12-14 (empty: the whole output)</span>
            <input type="text" inputMode="numeric" value={draft.where} onChange={(e) => setDraft({ ...draft, where: e.target.value })} />
          </label>
          {hasBase && (
            <label className="field">
              <span>Side</span>
              <select value={draft.side} onChange={(e) => setDraft({ ...draft, side: e.target.value as 'output' | 'base' })}>
                <option value="output">new (output)</option>
                <option value="base">old (base)</option>
              </select>
            </label>
          )}
        </div>
      )}
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="primary" onClick={save} aria-keyshortcuts={ariaKeys(formKeys, 'save')}>
          Save flaw
        </button>
        <button type="button" onClick={onCancel} aria-keyshortcuts={ariaKeys(formKeys, 'cancel')}>
          Cancel
        </button>
        <span className="muted small">{formHint}</span>
      </div>
    </div>
  );
}

/** Where a flaw is in a multi-file change: the file, its lines and the side (only the sides the file has). */
function FileLinesFields({ files, draft, onChange }: { readonly files: readonly FlawFileChoice[]; readonly draft: FlawDraft; readonly onChange: (d: FlawDraft) => void }): React.JSX.Element {
  const file = files.find((f) => f.path === draft.path) ?? files[0]!;
  const sides: ('output' | 'base')[] = file.deleted ? ['base'] : file.hasBase ? ['output', 'base'] : ['output'];
  // A deleted file has only old lines, a new one only new lines; coming from one of those, the
  // side was forced, not chosen: a file with both sides starts on the new one again.
  const fitSide = (f: FlawFileChoice, side: 'output' | 'base'): 'output' | 'base' => (f.deleted ? 'base' : !f.hasBase || file.deleted ? 'output' : side);
  return (
    <>
      <label className="field">
        <span>File</span>
        <select
          value={file.path}
          onChange={(e) => {
            const f = files.find((x) => x.path === e.target.value)!;
            onChange({ ...draft, path: f.path, side: fitSide(f, draft.side) });
          }}
        >
          {files.map((f) => (
            <option key={f.path} value={f.path}>
              {f.path}
            </option>
          ))}
        </select>
      </label>
      <div className="field-row">
        <label className="field">
          <span>Lines, e.g. 12 or 12-14 (empty: the whole change)</span>
          <input type="text" inputMode="numeric" value={draft.where} onChange={(e) => onChange({ ...draft, path: file.path, where: e.target.value })} />
        </label>
        <label className="field">
          <span>Side</span>
          <select value={file.deleted ? 'base' : file.hasBase ? draft.side : 'output'} onChange={(e) => onChange({ ...draft, path: file.path, side: e.target.value as 'output' | 'base' })}>
            {sides.map((s) => (
              <option key={s} value={s}>
                {s === 'output' ? 'new (output)' : 'old (base)'}
              </option>
            ))}
          </select>
        </label>
      </div>
    </>
  );
}

const skipReasons = ['I cannot judge this topic', 'The task is broken or unreadable', 'Conflict of interest', 'Other'] as const;

/** Skips the item with a reason. */
export function SkipForm({ onSkip, onCancel }: { readonly onSkip: (reason: string) => void; readonly onCancel: () => void }): React.JSX.Element {
  const [choice, setChoice] = useState<string>(skipReasons[0]);
  const [other, setOther] = useState('');
  const reason = choice === 'Other' ? other.trim() : choice;
  const confirm = (): void => {
    if (reason) onSkip(reason);
  };
  const onKeyDown = useFormKeys(confirm, onCancel);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <div className="inline-form skip-form" role="group" aria-label="Skip reason" onKeyDown={onKeyDown}>
      <fieldset>
        <legend>Why skip this item?</legend>
        {skipReasons.map((r, i) => (
          <label key={r} className="radio-line">
            <input ref={i === 0 ? first : undefined} type="radio" name="skip-reason" checked={choice === r} onChange={() => setChoice(r)} />
            {r}
          </label>
        ))}
        {choice === 'Other' && (
          <input type="text" aria-label="Other reason" autoFocus value={other} onChange={(e) => setOther(e.target.value)} />
        )}
      </fieldset>
      <div className="form-actions">
        <button type="button" className="primary" onClick={confirm} disabled={!reason} aria-keyshortcuts={ariaKeys(formKeys, 'save')}>
          Skip this item
        </button>
        <button type="button" onClick={onCancel} aria-keyshortcuts={ariaKeys(formKeys, 'cancel')}>
          Cancel
        </button>
        <span className="muted small">{keyLabel(ariaKeys(formKeys, 'save'))} skips · {keyLabel(ariaKeys(formKeys, 'cancel'))} cancels</span>
      </div>
    </div>
  );
}
