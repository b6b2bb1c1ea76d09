import { useEffect, useRef } from 'react';
import { bindingFor, formKeys, keySections, keysLabel, workspaceKeys } from './keymap.js';

/** The shortcut sheet (`?`, or the toolbar's Shortcuts): every key of the review, from the key table. */
export function ShortcutSheet({ onClose }: { readonly onClose: () => void }): React.JSX.Element {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <div className="sheet-backdrop" onClick={onClose}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="sheet-title"
        className="sheet"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (bindingFor(formKeys, e)?.action === 'cancel' || bindingFor(workspaceKeys, e)?.action === 'help') {
            e.preventDefault();
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <h2 id="sheet-title">Keyboard shortcuts</h2>
        <p className="muted small">No shortcut fires while you type in a field.</p>
        {keySections.map((section, i) => (
          <section key={section.title} className={i === 0 ? 'sheet-main' : 'sheet-minor'} aria-label={section.title}>
            <h3>{section.title}</h3>
            <ul className="key-list">
              {section.keys.map((b) => (
                <li key={b.action} data-action={b.action}>
                  <span className="keys">
                    {keysLabel(b).map((k) => (
                      <kbd key={k}>{k}</kbd>
                    ))}
                  </span>
                  <span>{b.text}</span>
                </li>
              ))}
            </ul>
          </section>
        ))}
        <button ref={close} type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
