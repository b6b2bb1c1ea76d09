import { useEffect, useRef } from 'react';
import { ariaKeys, bindingFor, confirmKeys, keyLabel } from './keymap.js';

interface Props {
  readonly title: string;
  readonly message: string;
  readonly confirmText: string;
  readonly cancelText: string;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}

/**
 * Asks before doing something, answered by the keyboard as well (y or Enter: yes; n or Esc: no).
 * The yes button has the focus: the question was asked because of an action just taken.
 */
export function ConfirmDialog(p: Props): React.JSX.Element {
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => yes.current?.focus(), []);
  return (
    <div className="sheet-backdrop" onClick={p.onCancel}>
      <div
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        aria-describedby="confirm-message"
        className="sheet confirm"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          const action = bindingFor(confirmKeys, e)?.action;
          if (!action) return;
          e.preventDefault();
          e.stopPropagation();
          if (action === 'confirm') p.onConfirm();
          else p.onCancel();
        }}
      >
        <h2 id="confirm-title">{p.title}</h2>
        <p id="confirm-message">{p.message}</p>
        <div className="form-actions">
          <button ref={yes} type="button" className="primary" onClick={p.onConfirm} aria-keyshortcuts={ariaKeys(confirmKeys, 'confirm')}>
            {p.confirmText} <kbd aria-hidden="true">{keyLabel(confirmKeys[0]!.keys[0]!)}</kbd>
          </button>
          <button type="button" onClick={p.onCancel} aria-keyshortcuts={ariaKeys(confirmKeys, 'cancel')}>
            {p.cancelText} <kbd aria-hidden="true">{keyLabel(confirmKeys[1]!.keys[0]!)}</kbd>
          </button>
        </div>
      </div>
    </div>
  );
}
