import type { RejectReason } from '../../../../shared/review/events.js';

// Every key of the review workspace, in one table: the key handler dispatches from it, the sheet
// (`?`) lists it, and the buttons take their `aria-keyshortcuts` from it, so the three cannot
// drift apart. A key is written as `aria-keyshortcuts` writes it: modifiers first, joined by `+`
// (`Control+Enter`); `Control` also matches ⌘ on a Mac.

/** What a key does in the workspace (when no form, picker or dialog is open). */
export type WorkspaceAction =
  | 'next-critique'
  | 'prev-critique'
  | 'next-file'
  | 'prev-file'
  | 'accept'
  | 'reject'
  | 'edit'
  | 'add-flaw'
  | 'rate'
  | 'answer'
  | 'more-sure'
  | 'less-sure'
  | 'submit'
  | 'skip'
  | 'undo'
  | 'redo'
  | 'reopen'
  | 'next-item'
  | 'queue'
  | 'ask-critic'
  | 'instructions'
  | 'help';

/** One row of a key table: the keys that do `action`, and what it does, in words. */
export interface KeyBinding<A extends string> {
  readonly action: A;
  readonly keys: readonly string[];
  readonly text: string;
}

/** The workspace's keys. `rate` takes its rating from the digit pressed, `answer` its answer from the letter. */
export const workspaceKeys: readonly KeyBinding<WorkspaceAction>[] = [
  { action: 'next-critique', keys: ['j'], text: 'Next critique (across the files of a change)' },
  { action: 'prev-critique', keys: ['k'], text: 'Previous critique' },
  { action: 'next-file', keys: [']'], text: 'Next file of a change (selects its first open critique)' },
  { action: 'prev-file', keys: ['['], text: 'Previous file of a change' },
  { action: 'accept', keys: ['a'], text: 'Accept the selected critique' },
  { action: 'reject', keys: ['r'], text: 'Reject it, then choose why' },
  { action: 'edit', keys: ['e'], text: 'Edit its text (accepted with your edit)' },
  { action: 'add-flaw', keys: ['f'], text: 'Add a flaw you found (at the selected text or lines)' },
  { action: 'rate', keys: ['1', '2', '3', '4', '5', '6', '7'], text: 'Rate: 1 very poor … 7 excellent' },
  { action: 'answer', keys: ['y', 'x'], text: 'Answer the study’s question: y yes, x no (where it asks one)' },
  { action: 'more-sure', keys: ['+', '='], text: 'More confident in that answer (+10 %)' },
  { action: 'less-sure', keys: ['-'], text: 'Less confident in that answer (−10 %)' },
  { action: 'submit', keys: ['Control+Enter'], text: 'Submit the review' },
  { action: 'skip', keys: ['s'], text: 'Skip this item, saying why' },
  { action: 'undo', keys: ['Control+Z'], text: 'Undo' },
  { action: 'redo', keys: ['Control+Shift+Z', 'Control+Y'], text: 'Redo' },
  { action: 'reopen', keys: ['o'], text: 'Reopen a finished review to change it' },
  { action: 'next-item', keys: ['n'], text: 'Next item (after this one is finished)' },
  { action: 'queue', keys: ['b'], text: 'Back to the queue' },
  { action: 'ask-critic', keys: ['c'], text: 'Ask the critic for more critiques (practice queue only)' },
  { action: 'instructions', keys: ['i'], text: 'Show or hide the study’s instructions' },
  { action: 'help', keys: ['?'], text: 'Show or hide this list' },
];

/** A reject "reason" that is none: offered only where the study makes the reason optional. */
export type ReasonChoice = RejectReason | 'none';

/** While choosing why to reject (after `r`). */
export const rejectReasonKeys: readonly KeyBinding<ReasonChoice>[] = [
  { action: 'incorrect', keys: ['i'], text: 'Incorrect' },
  { action: 'nitpick', keys: ['n'], text: 'Nitpick' },
  { action: 'unclear', keys: ['u'], text: 'Unclear' },
  { action: 'duplicate', keys: ['d'], text: 'Duplicate' },
  { action: 'other', keys: ['o'], text: 'Other' },
  { action: 'none', keys: ['x'], text: 'No reason (where the study makes it optional)' },
];

/** In a form (a flaw, an edited critique, a skip reason). */
export const formKeys: readonly KeyBinding<'save' | 'cancel'>[] = [
  { action: 'save', keys: ['Control+Enter'], text: 'Save (in the skip form: skip)' },
  { action: 'cancel', keys: ['Escape'], text: 'Cancel' },
];

/** When Assay asks before it does something (submitting with undecided critiques). */
export const confirmKeys: readonly KeyBinding<'confirm' | 'cancel'>[] = [
  { action: 'confirm', keys: ['y', 'Enter'], text: 'Yes, go ahead' },
  { action: 'cancel', keys: ['n', 'Escape'], text: 'No, go back' },
];

/** The tables the sheet shows, with their headings. */
export const keySections: readonly { readonly title: string; readonly keys: readonly KeyBinding<string>[] }[] = [
  { title: 'Reviewing', keys: workspaceKeys },
  { title: 'Choosing why you reject', keys: rejectReasonKeys },
  { title: 'In a form', keys: formKeys },
  { title: 'When Assay asks first', keys: confirmKeys },
];

/** The parts of a key event a key table looks at. */
export interface KeyPress {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  readonly shiftKey: boolean;
}

/**
 * True when `press` is `key` (`a`, `?`, `Control+Shift+Z`…). Without Control a printable key is
 * compared as typed (`?` needs Shift on most layouts, so Shift is not looked at); with Control,
 * Shift must match and letters compare in either case.
 */
export function isKey(press: KeyPress, key: string): boolean {
  // the last part is the key itself, which may be "+" (`+`, `Control++`)
  const name = key === '+' || key.endsWith('++') ? '+' : key.slice(key.lastIndexOf('+') + 1);
  const parts = key.slice(0, key.length - name.length).split('+').filter(Boolean);
  const control = parts.includes('Control');
  if ((press.ctrlKey || press.metaKey) !== control || press.altKey !== parts.includes('Alt')) return false;
  if (!control) return press.key === name;
  return press.shiftKey === parts.includes('Shift') && press.key.toLowerCase() === name.toLowerCase();
}

/** The row of `table` that `press` triggers, if any. */
export function bindingFor<A extends string>(table: readonly KeyBinding<A>[], press: KeyPress): KeyBinding<A> | undefined {
  return table.find((b) => b.keys.some((k) => isKey(press, k)));
}

/** The `aria-keyshortcuts` value of an action: its keys, space-separated. */
export function ariaKeys<A extends string>(table: readonly KeyBinding<A>[], action: A): string {
  const b = table.find((x) => x.action === action);
  if (!b) throw new Error(`No key for ${action}`);
  return b.keys.join(' ');
}

/** The workspace's `aria-keyshortcuts` for an action (the common case). */
export function keysOf(action: WorkspaceAction): string {
  return ariaKeys(workspaceKeys, action);
}

/** A key as people read it: `Control+Enter` → `Ctrl+Enter`, `Escape` → `Esc`. */
export function keyLabel(key: string): string {
  return key.replace('Control', 'Ctrl').replace('Escape', 'Esc');
}

/** How the sheet shows a row's keys: `1 – 7` for the ratings, else each key as people read it. */
export function keysLabel(binding: KeyBinding<string>): string[] {
  if (binding.keys.length > 2 && binding.keys.every((k) => /^\d$/.test(k))) return [`${binding.keys[0]} – ${binding.keys[binding.keys.length - 1]}`];
  return binding.keys.map(keyLabel);
}
