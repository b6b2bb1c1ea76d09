// The pull-request view's own keys (multi-file code tasks), in the shape of a key table row
// (`{action, keys, text}`): the workspace dispatches from this table and the shortcut sheet lists
// it, so the two cannot drift apart. j / k already walk the critiques across files.

/** What a file key does. */
export type FileAction = 'next-file' | 'prev-file';

/** One key binding of the file list. */
export interface FileKeyBinding {
  readonly action: FileAction;
  readonly keys: readonly string[];
  readonly text: string;
}

/** The file list's keys (as Gerrit's: `]` and `[`); they work only in a multi-file task. */
export const fileKeys: readonly FileKeyBinding[] = [
  { action: 'next-file', keys: [']'], text: 'Next file of the change (selects its first open critique)' },
  { action: 'prev-file', keys: ['['], text: 'Previous file of the change' },
];

/** The action of a plain key press (no Control, Alt or Meta), or undefined. */
export function fileActionFor(key: string): FileAction | undefined {
  return fileKeys.find((b) => b.keys.includes(key))?.action;
}

/** The `aria-keyshortcuts` of a file action. */
export function fileKeysOf(action: FileAction): string {
  return fileKeys.find((b) => b.action === action)!.keys.join(' ');
}
