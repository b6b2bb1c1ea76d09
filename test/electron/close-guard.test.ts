import { describe, expect, it } from 'vitest';
import { closeQuestion, installCloseGuard, type CloseAnswer, type CloseGuardDeps } from '../../electron/shell/close-guard.js';

/** A window that runs its close listeners as Electron does: closed unless one prevents it. */
function fakeWindow() {
  const listeners: ((e: { preventDefault(): void }) => void)[] = [];
  const w = {
    closed: 0,
    on: (_event: 'close', fn: (e: { preventDefault(): void }) => void) => listeners.push(fn),
    /** What Electron does when the user closes the window: true when it closed. */
    tryClose(): boolean {
      let prevented = false;
      for (const fn of listeners) fn({ preventDefault: () => (prevented = true) });
      if (!prevented) w.closed++;
      return !prevented;
    },
    close: () => void w.tryClose(),
  };
  return w;
}

function deps(count: number | (() => number), answer: CloseAnswer, saved = true) {
  const log: string[] = [];
  const d: CloseGuardDeps = {
    unexported: typeof count === 'number' ? () => count : count,
    ask: async (n) => {
      log.push(`ask ${n}`);
      return answer;
    },
    exportResults: async () => {
      log.push('export');
      return saved;
    },
    proceed: () => log.push('proceed'),
    stay: () => log.push('stay'),
  };
  return { d, log };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('the desktop close reminder', () => {
  it('lets the window close when nothing is left to export', () => {
    const win = fakeWindow();
    const { d, log } = deps(0, 'cancel');
    installCloseGuard(win, d);
    expect(win.tryClose()).toBe(true);
    expect(log).toEqual([]);
  });

  it('stops the close to ask; "Cancel" stays, "Close without exporting" closes', async () => {
    const win = fakeWindow();
    const stay = deps(3, 'cancel');
    installCloseGuard(win, stay.d);
    expect(win.tryClose()).toBe(false);
    await settle();
    expect(stay.log).toEqual(['ask 3', 'stay']);
    expect(win.closed).toBe(0);

    const win2 = fakeWindow();
    const close = deps(3, 'close');
    installCloseGuard(win2, close.d);
    expect(win2.tryClose()).toBe(false);
    await settle();
    expect(close.log).toEqual(['ask 3', 'proceed']);
    expect(win2.closed).toBe(1);
  });

  it('"Export results…" exports first and closes only when the files were saved', async () => {
    const saved = deps(2, 'export', true);
    const win = fakeWindow();
    installCloseGuard(win, saved.d);
    win.tryClose();
    await settle();
    await settle();
    expect(saved.log).toEqual(['ask 2', 'export', 'proceed']);
    expect(win.closed).toBe(1);

    const cancelled = deps(2, 'export', false);
    const win2 = fakeWindow();
    installCloseGuard(win2, cancelled.d);
    win2.tryClose();
    await settle();
    await settle();
    expect(cancelled.log).toEqual(['ask 2', 'export', 'stay']);
    expect(win2.closed).toBe(0);
  });

  it('asks once at a time, and never keeps the window open when it cannot count', async () => {
    const win = fakeWindow();
    const { d, log } = deps(1, 'cancel');
    installCloseGuard(win, d);
    win.tryClose();
    win.tryClose(); // a second click while the question is open
    await settle();
    expect(log).toEqual(['ask 1', 'stay']);
    const broken = fakeWindow();
    installCloseGuard(broken, deps(() => {
      throw new Error('database gone');
    }, 'cancel').d);
    expect(broken.tryClose()).toBe(true);
  });

  it('says how many reviews and whom to send them to', () => {
    expect(closeQuestion(1, ['Dr. Rosa Diaz'])).toMatchObject({ message: '1 finished review is not exported yet.', detail: expect.stringContaining('send it to Dr. Rosa Diaz') });
    expect(closeQuestion(3, []).detail).toContain('send it to the researcher who sent you the pack');
    expect(closeQuestion(3, []).buttons).toEqual(['Export results…', 'Close without exporting', 'Cancel']);
  });
});
