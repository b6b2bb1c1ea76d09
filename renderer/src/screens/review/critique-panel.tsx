import { useEffect, useRef } from 'react';
import type { ShownCritique } from '../../../../shared/contract/review.js';
import type { RejectReason } from '../../../../shared/review/events.js';
import type { Decision } from '../../../../shared/review/state.js';
import { describeAnchor } from './anchors.js';
import { CritiqueEditor, ReasonPicker } from './forms.js';
import { keyLabel, keysOf } from './keymap.js';
import type { Mode } from './modes.js';
import { verdictClass, verdictText } from './verdicts.js';

interface Props {
  readonly critiques: readonly ShownCritique[];
  readonly decisions: Readonly<Record<string, Decision>>;
  /** The selected critique's index. */
  readonly selected: number;
  readonly output: string;
  /** A multi-file change: each file's output (range anchors point into it); the list is grouped by file. */
  readonly fileOutput?: ((path: string) => string) | undefined;
  /** The context document: evidence anchors point into it. */
  readonly document: string;
  readonly readOnly: boolean;
  readonly mode: Mode;
  /** The study makes the reason of a rejection optional. */
  readonly reasonOptional: boolean;
  readonly onSelect: (index: number) => void;
  readonly onAccept: () => void;
  readonly onReject: () => void;
  readonly onEdit: () => void;
  readonly onPickReason: (critique: string, reason: RejectReason | null) => void;
  readonly onSaveEdit: (critique: string, text: string) => void;
  readonly onCancel: () => void;
}

/** The model's critiques with the evaluator's decisions; the selected one has its actions. */
export function CritiquePanel(p: Props): React.JSX.Element {
  const decided = Object.keys(p.decisions).filter((id) => p.critiques.some((c) => c.id === id)).length;
  return (
    <section aria-labelledby="cq-title">
      <h2 id="cq-title">
        Critiques{' '}
        <span className="muted">
          {decided} of {p.critiques.length} decided
        </span>
      </h2>
      {p.critiques.length === 0 && <p className="muted">The model wrote no critiques of this output.</p>}
      {critiqueGroups(p.critiques, p.fileOutput !== undefined).map((g) => (
        <div key={g.path ?? ''} className="cq-group">
          {p.fileOutput && (
            <h3 className="cq-file mono" title={g.path ?? undefined}>
              {g.path ?? 'The whole change'}
            </h3>
          )}
          <ol className="cq-list" start={g.from + 1}>
            {p.critiques.slice(g.from, g.to).map((c, j) => {
              const i = g.from + j;
              return (
                <CritiqueCard
                  key={c.id}
                  critique={c}
                  index={i}
                  output={c.anchor?.path !== undefined && p.fileOutput ? p.fileOutput(c.anchor.path) : p.output}
                  wholeText={p.fileOutput ? 'whole change' : 'whole output'}
                  document={p.document}
                  decision={p.decisions[c.id]}
                  selected={i === p.selected}
                  readOnly={p.readOnly}
                  mode={i === p.selected ? p.mode : null}
                  reasonOptional={p.reasonOptional}
                  onSelect={() => p.onSelect(i)}
                  onAccept={p.onAccept}
                  onReject={p.onReject}
                  onEdit={p.onEdit}
                  onPickReason={(reason) => p.onPickReason(c.id, reason)}
                  onSaveEdit={(text) => p.onSaveEdit(c.id, text)}
                  onCancel={p.onCancel}
                />
              );
            })}
          </ol>
        </div>
      ))}
    </section>
  );
}

/** Consecutive runs of critiques on one file (by `range.path`); one run when `byFile` is false. */
function critiqueGroups(critiques: readonly ShownCritique[], byFile: boolean): { path: string | null; from: number; to: number }[] {
  if (!byFile) return [{ path: null, from: 0, to: critiques.length }];
  const groups: { path: string | null; from: number; to: number }[] = [];
  critiques.forEach((c, i) => {
    const path = c.range?.path ?? null;
    const last = groups[groups.length - 1];
    if (last && last.path === path) last.to = i + 1;
    else groups.push({ path, from: i, to: i + 1 });
  });
  return groups;
}

interface CardProps {
  readonly critique: ShownCritique;
  readonly index: number;
  readonly output: string;
  /** How a critique without a place reads ("whole output", or "whole change" for several files). */
  readonly wholeText: string;
  readonly document: string;
  readonly decision: Decision | undefined;
  readonly selected: boolean;
  readonly readOnly: boolean;
  readonly mode: Mode;
  readonly reasonOptional: boolean;
  readonly onSelect: () => void;
  readonly onAccept: () => void;
  readonly onReject: () => void;
  readonly onEdit: () => void;
  readonly onPickReason: (r: RejectReason | null) => void;
  readonly onSaveEdit: (text: string) => void;
  readonly onCancel: () => void;
}

const cardKeys = ['accept', 'reject', 'edit', 'next-critique', 'prev-critique'] as const;

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
        <span className="muted cq-where">{c.anchor ? describeAnchor(c.anchor, p.output, { withPath: false }) : `the ${p.wholeText}`}</span>
        <span className="spacer" />
        <span className={`verdict ${verdictClass(p.decision)}`}>{verdictText(p.decision)}</span>
      </div>
      {edited !== undefined ? (
        <>
          <p className="cq-text">{edited}</p>
          <p className="cq-original small muted">
            The model wrote: <s>{c.text}</s>
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
          <button type="button" onClick={p.onAccept} aria-keyshortcuts={keysOf('accept')} className={p.decision?.verdict === 'accept' ? 'on' : undefined}>
            Accept
          </button>
          <button type="button" onClick={p.onReject} aria-keyshortcuts={keysOf('reject')} className={p.decision?.verdict === 'reject' ? 'on' : undefined}>
            Reject
          </button>
          <button type="button" onClick={p.onEdit} aria-keyshortcuts={keysOf('edit')}>
            Edit
          </button>
          <span className="muted small keys" aria-hidden="true">
            {cardKeys.map((a) => keyLabel(keysOf(a))).join(' · ')}
          </span>
        </div>
      )}
      {p.selected && p.mode?.kind === 'reject' && (
        <div onClick={(e) => e.stopPropagation()}>
          <ReasonPicker optional={p.reasonOptional} onPick={p.onPickReason} onCancel={p.onCancel} />
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
