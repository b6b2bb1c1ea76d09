import { useEffect, useRef } from 'react';

/** Every key of the workspace, shown by `?` (and the toolbar button). */
export const shortcuts: readonly (readonly [string, string])[] = [
  ['j / k', 'Next / previous critique'],
  ['a', 'Accept the selected critique'],
  ['r', 'Reject it, then i n u d o for the reason'],
  ['e', 'Edit its text (recorded as accepted with edit)'],
  ['f', 'Add a flaw (from the selected text or lines, else the whole output)'],
  ['1 – 7', 'Rate the output'],
  ['Ctrl+Enter', 'Submit (in a form: save it)'],
  ['s', 'Skip with a reason'],
  ['c', 'Ask the critic for more critiques (practice queue only)'],
  ['Ctrl+Z', 'Undo'],
  ['Ctrl+Shift+Z / Ctrl+Y', 'Redo'],
  ['Esc', 'Cancel a form, close this sheet'],
  ['?', 'This sheet'],
];

/** The shortcut sheet: a modal dialog, closed with Esc or its button. */
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
          if (e.key === 'Escape' || e.key === '?') {
            e.preventDefault();
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <h2 id="sheet-title">Keyboard shortcuts</h2>
        <p className="muted small">Shortcuts never fire while you type in a field.</p>
        <table>
          <tbody>
            {shortcuts.map(([k, what]) => (
              <tr key={k}>
                <th scope="row">
                  <kbd>{k}</kbd>
                </th>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button ref={close} type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
