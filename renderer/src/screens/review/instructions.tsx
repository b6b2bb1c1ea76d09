import { useEffect, useRef } from 'react';
import { SafeMarkdown } from '../../components/markdown.js';
import { bindingFor, formKeys, keyLabel, keysOf, workspaceKeys } from './keymap.js';

interface Props {
  /** The study's instructions (Markdown from the researcher: shown as text formatting only). */
  readonly instructions: string;
  readonly study: string;
  /** Before the study's first item: the button says the review starts after it. */
  readonly first: boolean;
  readonly onClose: () => void;
}

/**
 * The study's instructions as a dialog: before the evaluator's first item of the study (before its
 * clock starts) and on request (`i`, or the bar's Instructions). Esc, `i` or the button close it.
 */
export function InstructionsDialog({ instructions, study, first, onClose }: Props): React.JSX.Element {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <div className="sheet-backdrop" onClick={first ? undefined : onClose}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="instructions-title"
        className="sheet instructions-sheet"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (bindingFor(formKeys, e)?.action === 'cancel' || bindingFor(workspaceKeys, e)?.action === 'instructions') {
            e.preventDefault();
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <h2 id="instructions-title">Instructions for study {study}</h2>
        {first && <p className="muted small">From your researcher, before your first item. You can open them again at any time: {keyLabel(keysOf('instructions'))} or the Instructions button.</p>}
        {/* SECURITY: researcher-written Markdown, rendered as formatting only (no HTML, links or images) */}
        <SafeMarkdown source={instructions} className="safe-markdown instructions-text" />
        <div className="form-actions">
          <button ref={close} type="button" className={first ? 'primary' : undefined} onClick={onClose}>
            {first ? 'Start reviewing' : 'Close'}
          </button>
          <span className="muted small">Esc closes</span>
        </div>
      </div>
    </div>
  );
}

const seenKey = (evaluator: string, study: string): string => `assay.instructions-seen.${evaluator}.${study}`;

/** True when this evaluator has closed the instructions of this study before (in this browser profile). */
export function instructionsSeen(evaluator: string, study: string): boolean {
  try {
    return localStorage.getItem(seenKey(evaluator, study)) === '1';
  } catch {
    return false;
  }
}

/** Remembers that this evaluator has read the instructions of this study. */
export function rememberInstructionsSeen(evaluator: string, study: string): void {
  try {
    localStorage.setItem(seenKey(evaluator, study), '1');
  } catch {
    // storage full or blocked: they are shown again before the next item not yet begun, which is harmless
  }
}
