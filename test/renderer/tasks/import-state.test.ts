import { describe, expect, it } from 'vitest';
import type { ImportResult } from '../../../shared/contract/tasks.js';
import { describeImported, importReducer, initialImportState, isBusy, progressOf, warningLines, type ImportEvent } from '../../../renderer/src/screens/tasks/import-state.js';

const result = (over: Partial<ImportResult> = {}): ImportResult => ({ file: 'a.jsonl', status: 'imported', tasks: 2, critiques: 5, flaws: 1, unchanged: 0, replaced: 0, errors: [], errorCount: 0, warnings: [], warningCount: 0, ...over });
const run = (events: readonly ImportEvent[]) => events.reduce(importReducer, initialImportState);

describe('import state', () => {
  it('tracks files, progress and outcomes', () => {
    const s1 = run([{ type: 'started', names: ['a.jsonl', 'b.jsonl'] }, { type: 'file-started', name: 'a.jsonl', size: 200 }, { type: 'chunk-sent', sent: 50, errorCount: 0 }]);
    expect(isBusy(s1)).toBe(true);
    expect(s1.waiting).toEqual(['b.jsonl']);
    expect(progressOf(s1.current!)).toBe(0.25);
    const s2 = importReducer(s1, { type: 'importing' });
    expect(progressOf(s2.current!)).toBeNull();
    const s3 = ([
      { type: 'file-finished', result: result() },
      { type: 'file-started', name: 'b.jsonl', size: 0 },
      { type: 'file-failed', name: 'b.jsonl', message: 'Cannot reach the Assay server.' },
    ] as ImportEvent[]).reduce(importReducer, s2);
    expect(isBusy(s3)).toBe(false);
    expect(s3.outcomes).toEqual([{ name: 'a.jsonl', result: result() }, { name: 'b.jsonl', failure: 'Cannot reach the Assay server.' }]);
    expect(importReducer(s3, { type: 'dismissed' })).toEqual(initialImportState);
    expect(importReducer(s1, { type: 'dismissed' })).toBe(s1); // not while busy
  });

  it('counts an empty file as complete and describes results in words', () => {
    expect(progressOf({ name: 'e', size: 0, sent: 0, errorCount: 0, stage: 'uploading' })).toBe(1);
    expect(describeImported(result())).toBe('Imported 2 tasks, 5 critiques, 1 flaw from a.jsonl.');
    expect(describeImported(result({ tasks: 1, critiques: 1, flaws: 0, unchanged: 3, replaced: 1 }))).toBe('Imported 1 task, 1 critique, 0 flaws from a.jsonl (3 unchanged, 1 replaced).');
  });

  it('lists the warnings as the CLI prints them, then how many more were not sent', () => {
    expect(warningLines(result())).toEqual([]);
    expect(warningLines(result({ warnings: ['a.jsonl:1: flaws[0].anchor: line 4 of the output touches no changed line'], warningCount: 1 }))).toEqual(['a.jsonl:1: flaws[0].anchor: line 4 of the output touches no changed line']);
    expect(warningLines(result({ warnings: ['a.jsonl:1: w', 'a.jsonl:2: w'], warningCount: 53 }))).toEqual(['a.jsonl:1: w', 'a.jsonl:2: w', '… and 51 more warnings']);
    // a back end from before warnings sends neither field
    expect(warningLines({ warnings: undefined, warningCount: undefined })).toEqual([]);
  });
});
