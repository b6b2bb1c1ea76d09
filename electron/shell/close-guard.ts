// The desktop app's reminder before closing with finished reviews that were never exported: the
// evaluator's results only reach the researcher as a file, so closing is the last good moment to
// say so. Plain functions over a window-like object: unit-tested without Electron.

/** What the guard needs of a window. */
export interface ClosableWindow {
  on(event: 'close', listener: (e: { preventDefault(): void }) => void): unknown;
  close(): void;
}

/** The evaluator's answer to the reminder. */
export type CloseAnswer = 'export' | 'close' | 'cancel';

/** What the guard needs from the shell and the back end (fakes in tests). */
export interface CloseGuardDeps {
  /** Finished reviews that no results file holds yet (0 in a researcher's database). */
  unexported(): number;
  /** Asks what to do about them. */
  ask(count: number): Promise<CloseAnswer>;
  /** Exports the results (a save dialog per pack); true when every file was saved. */
  exportResults(): Promise<boolean>;
  /** The window may close now: it is closed again by the guard; e.g. finish a quit that was under way. */
  proceed(): void;
  /** The evaluator chose to stay (or did not save): e.g. forget a quit that was under way. */
  stay(): void;
}

/**
 * Installs the reminder: closing the window while finished reviews are not exported is stopped
 * once to ask — export them (then close), close anyway, or stay. Asked at most once at a time; a
 * failure to count lets the window close rather than trap the evaluator in it.
 */
export function installCloseGuard(win: ClosableWindow, deps: CloseGuardDeps): void {
  let allowed = false;
  let asking = false;
  const closeNow = (): void => {
    allowed = true;
    win.close();
    deps.proceed();
  };
  win.on('close', (e) => {
    if (allowed) return;
    let count: number;
    try {
      count = deps.unexported();
    } catch {
      return; // cannot tell: never keep the window open because of the reminder itself
    }
    if (count === 0) return;
    e.preventDefault();
    if (asking) return;
    asking = true;
    void (async () => {
      try {
        const answer = await deps.ask(count);
        if (answer === 'close') closeNow();
        else if (answer === 'export' && (await deps.exportResults())) closeNow();
        else deps.stay();
      } catch {
        deps.stay();
      } finally {
        asking = false;
      }
    })();
  });
}

/** The reminder's words: how many reviews, and whom they are for. */
export function closeQuestion(count: number, recipients: readonly string[]): { title: string; message: string; detail: string; buttons: string[] } {
  const whom = recipients.length === 1 ? recipients[0]! : 'the researcher who sent you the pack';
  return {
    title: 'Results not exported',
    message: `${count} finished review${count === 1 ? ' is' : 's are'} not exported yet.`,
    detail: `The researcher gets your reviews only as a results file. Export it now and send it to ${whom}; your reviews also stay saved here, so you can export them the next time.`,
    buttons: ['Export results…', 'Close without exporting', 'Cancel'],
  };
}
