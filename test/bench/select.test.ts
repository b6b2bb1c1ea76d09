import { describe, expect, it } from 'vitest';
import { chooseSections, runSections } from '../../bench/select.js';

const names = ['decision to durable', 'import', 'record under import', 'interop', 'review: next item', 'critic', 'task browser, 100k tasks', 'coverage'];
const sections = names.map((name) => ({ name }));
const pick = (...words: string[]): string[] => chooseSections(sections, words).map((s) => s.name);

describe('npm run bench -- WORD: which sections run (README, Performance)', () => {
  it('runs every section without a word', () => {
    expect(pick()).toEqual(names);
  });
  it('a word that is a section’s whole name runs that section alone', () => {
    expect(pick('import')).toEqual(['import']);
    expect(pick('Critic')).toEqual(['critic']);
  });
  it('another word runs every section whose name contains it, case ignored', () => {
    expect(pick('under')).toEqual(['record under import']);
    expect(pick('task browser')).toEqual(['task browser, 100k tasks']);
    expect(pick('NEXT', 'coverage')).toEqual(['review: next item', 'coverage']);
    expect(pick('task-browser')).toEqual([]);
  });
});

describe('npm run bench: a failing section (README, Performance)', () => {
  it('is reported; the sections after it still run and are recorded, each with its load average', async () => {
    const log: string[] = [];
    const loads = [0.5, 0.75, 1, 1.25];
    const runs = await runSections(
      [
        { name: 'broken', run: () => Promise.reject(new Error('Unexpected token: not JSON')) },
        { name: 'fine', run: () => Promise.resolve([{ name: 'x', value: 1, unit: 'ms' }]) },
      ],
      (line) => log.push(line),
      () => loads.shift()!,
    );
    expect(runs.failed).toEqual([{ section: 'broken', error: 'Error: Unexpected token: not JSON' }]);
    expect(runs.results).toEqual([{ section: 'fine', figures: [{ name: 'x', value: 1, unit: 'ms' }], loadAverage: [0.75, 1] }]);
    expect(log.join('\n')).toMatch(/bench: broken FAILED after/);
  });
});
