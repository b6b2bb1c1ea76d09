import type { Page } from 'playwright-core';

/** Collects a page's uncaught errors and console errors into `problems` (except those `ignore` matches). */
export function watchProblems(page: Page, problems: string[], ignore?: RegExp): void {
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !(ignore && ignore.test(m.text()))) problems.push(`console: ${m.text()}`);
  });
}
