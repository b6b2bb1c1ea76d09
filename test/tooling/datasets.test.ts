import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetEntries, datasetsDir, datasetsNotice, missingDatasets } from '../helpers/datasets.js';
import { repoRoot } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

/** Every .ts file under `dir`. */
function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('the real data sets in tests', () => {
  it('are looked for in ASSAY_DATASETS, else ../shared/datasets beside the repository', () => {
    expect(datasetsDir({})).toBe(path.resolve(repoRoot, '..', 'shared', 'datasets'));
    expect(datasetsDir({ ASSAY_DATASETS: '/data/sets' })).toBe('/data/sets');
  });

  it('missing: one line saying what is skipped and why; under ASSAY_REQUIRE_DATASETS=1 it says they fail', () => {
    const empty = tempDir();
    const env = { ASSAY_DATASETS: empty };
    expect(missingDatasets(datasetEntries, env)).toEqual([...datasetEntries]);
    const notice = datasetsNotice(env)!;
    expect(notice).toBe(
      `Real-data tests skipped: openai-critiques.jsonl, cliff.jsonl, raw/quixbugs, raw/debugbench not found in ASSAY_DATASETS=${empty} (set ASSAY_DATASETS to the folder of the data sets; see docs/task-format.md, "Real data").`,
    );
    expect(notice.split('\n')).toHaveLength(1);
    expect(datasetsNotice({ ...env, ASSAY_REQUIRE_DATASETS: '1' })).toMatch(/^Real-data tests FAIL \(ASSAY_REQUIRE_DATASETS=1\): /);
  });

  it('present: no notice, nothing missing', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'openai-critiques.jsonl'), '');
    fs.writeFileSync(path.join(dir, 'cliff.jsonl'), '');
    fs.mkdirSync(path.join(dir, 'raw', 'quixbugs'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'raw', 'debugbench'));
    expect(missingDatasets(datasetEntries, { ASSAY_DATASETS: dir })).toEqual([]);
    expect(datasetsNotice({ ASSAY_DATASETS: dir, ASSAY_REQUIRE_DATASETS: '1' })).toBeNull();
  });

  it('every test reaches them through test/helpers/datasets.ts, and CI requires them', () => {
    const helper = path.join(repoRoot, 'test', 'helpers', 'datasets.ts');
    const direct = tsFiles(path.join(repoRoot, 'test'))
      .filter((f) => f !== helper && f !== path.join(repoRoot, 'test', 'tooling', 'datasets.test.ts'))
      .filter((f) => /['"]datasets['"]|shared\/datasets|ASSAY_DATASETS/.test(fs.readFileSync(f, 'utf8')));
    expect(direct.map((f) => path.relative(repoRoot, f))).toEqual([]);
    const ci = fs.readFileSync(path.join(repoRoot, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/^export ASSAY_REQUIRE_DATASETS=1$/m);
    expect(ci.indexOf('export ASSAY_REQUIRE_DATASETS=1')).toBeLessThan(ci.lastIndexOf('npm test'));
  });
});
