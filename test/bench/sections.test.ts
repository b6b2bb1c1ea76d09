import { describe, expect, it } from 'vitest';

// The bench's sections that run the built CLI, at a small size: a change to the CLI's output (say,
// human text by default instead of JSON) must break this test, not an hour-long quiet-machine run.
// Sizes are read when the section modules load, so they are set before the import below.
process.env['ASSAY_BENCH_IMPORT_TASKS'] = '300';
process.env['ASSAY_BENCH_PARQUET_ROWS'] = '12000';
process.env['ASSAY_BENCH_CRITIC_TASKS'] = '16';
const { sections } = await import('../../bench/sections/index.js');

describe('npm run bench: the sections that drive the CLI run to the end at a small size', () => {
  it.each(['import', 'interop', 'critic'])('%s', async (name) => {
    const section = sections.find((s) => s.name === name);
    expect(section, `a bench section called ${name}`).toBeDefined();
    const figures = await section!.run();
    expect(figures.length).toBeGreaterThan(0);
    for (const f of figures) expect(Number.isFinite(f.value), `${name}: ${f.name} = ${f.value}`).toBe(true);
  }, 180_000);
});
