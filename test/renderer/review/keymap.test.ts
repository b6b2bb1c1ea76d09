import { describe, expect, it } from 'vitest';
import { bindingFor, isKey, workspaceKeys, type KeyPress } from '../../../renderer/src/screens/review/keymap.js';

// The key table's matching (renderer/src/screens/review/keymap.ts), for the keys the study settings added.

const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

describe('isKey', () => {
  it('"+" is a key of its own, typed with or without Shift, and never matches with Control', () => {
    expect(isKey(press('+', { shiftKey: true }), '+')).toBe(true);
    expect(isKey(press('+'), '+')).toBe(true);
    expect(isKey(press('+', { ctrlKey: true }), '+')).toBe(false);
    expect(isKey(press('=', { shiftKey: false }), '+')).toBe(false);
    expect(isKey(press('+', { ctrlKey: true }), 'Control++')).toBe(true);
  });

  it('chords still need their modifiers', () => {
    expect(isKey(press('z', { ctrlKey: true }), 'Control+Z')).toBe(true);
    expect(isKey(press('Z', { ctrlKey: true, shiftKey: true }), 'Control+Z')).toBe(false);
    expect(isKey(press('Z', { metaKey: true, shiftKey: true }), 'Control+Shift+Z')).toBe(true);
    expect(isKey(press('z'), 'Control+Z')).toBe(false);
  });

  it('the settings’ keys reach their actions: y/x answer, + = more sure, - less sure, i instructions', () => {
    expect(bindingFor(workspaceKeys, press('y'))?.action).toBe('answer');
    expect(bindingFor(workspaceKeys, press('x'))?.action).toBe('answer');
    expect(bindingFor(workspaceKeys, press('+', { shiftKey: true }))?.action).toBe('more-sure');
    expect(bindingFor(workspaceKeys, press('='))?.action).toBe('more-sure');
    expect(bindingFor(workspaceKeys, press('-'))?.action).toBe('less-sure');
    expect(bindingFor(workspaceKeys, press('i'))?.action).toBe('instructions');
  });

  it('no key is in two rows of the workspace table', () => {
    const keys = workspaceKeys.flatMap((b) => b.keys);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
