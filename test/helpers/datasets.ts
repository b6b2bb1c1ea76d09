import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { repoRoot } from './server.js';

// The real third-party data sets (docs/task-format.md, "Real data") are never part of the repository.
// Tests on them run when they are found and are skipped otherwise, so that a fresh clone's `npm test`
// passes; CI sets ASSAY_REQUIRE_DATASETS=1 so that a missing data set fails instead of being skipped.

/** The files and folders the real-data tests read, relative to the data-set folder. */
export const datasetEntries = ['openai-critiques.jsonl', 'cliff.jsonl', 'raw/quixbugs', 'raw/debugbench'] as const;

/** One of {@link datasetEntries}. */
export type DatasetEntry = (typeof datasetEntries)[number];

/** The data-set folder: ASSAY_DATASETS, else `../shared/datasets` beside the repository. */
export function datasetsDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['ASSAY_DATASETS'];
  return fromEnv ? path.resolve(fromEnv) : path.resolve(repoRoot, '..', 'shared', 'datasets');
}

/** True when a missing data set must fail the run (CI: ASSAY_REQUIRE_DATASETS=1). */
export function datasetsRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['ASSAY_REQUIRE_DATASETS'] === '1';
}

/** Which of `needs` are not in the data-set folder. */
export function missingDatasets(needs: readonly DatasetEntry[] = datasetEntries, env: NodeJS.ProcessEnv = process.env): DatasetEntry[] {
  const dir = datasetsDir(env);
  return needs.filter((entry) => !fs.existsSync(path.join(dir, entry)));
}

/** Why tests that need `missing` cannot run, naming the folder looked at and how to point elsewhere. */
export function datasetsProblem(missing: readonly DatasetEntry[], env: NodeJS.ProcessEnv = process.env): string {
  const where = env['ASSAY_DATASETS'] ? `ASSAY_DATASETS=${datasetsDir(env)}` : datasetsDir(env);
  return `${missing.join(', ')} not found in ${where} (set ASSAY_DATASETS to the folder of the data sets; see docs/task-format.md, "Real data")`;
}

/**
 * The one line printed before a run that will skip (or, under ASSAY_REQUIRE_DATASETS=1, fail) the
 * real-data tests; null when every data set is there.
 */
export function datasetsNotice(env: NodeJS.ProcessEnv = process.env): string | null {
  const missing = missingDatasets(datasetEntries, env);
  if (missing.length === 0) return null;
  return datasetsRequired(env)
    ? `Real-data tests FAIL (ASSAY_REQUIRE_DATASETS=1): ${datasetsProblem(missing, env)}.`
    : `Real-data tests skipped: ${datasetsProblem(missing, env)}.`;
}

/**
 * `describe` for tests on the real data sets. `body` gets the path of a data-set entry. When an
 * entry in `needs` is missing, the block is skipped, or under ASSAY_REQUIRE_DATASETS=1 it is one
 * failing test that says what is missing.
 */
export function describeWithDatasets(name: string, needs: readonly DatasetEntry[], body: (file: (entry: DatasetEntry) => string) => void): void {
  const missing = missingDatasets(needs);
  const file = (entry: DatasetEntry): string => {
    if (!needs.includes(entry)) throw new Error(`describeWithDatasets("${name}"): add "${entry}" to its needs`);
    return path.join(datasetsDir(), entry);
  };
  if (missing.length === 0) describe(name, () => body(file));
  else if (datasetsRequired()) {
    describe(name, () => {
      it('finds the real data sets it needs', () => {
        throw new Error(`ASSAY_REQUIRE_DATASETS=1: ${datasetsProblem(missing)}`);
      });
    });
  } else describe.skip(`${name} [needs ${missing.join(', ')}]`, () => body(file));
}
