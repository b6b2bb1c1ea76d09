import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**'],
          testTimeout: 30_000,
          // one line before the run when the real-data tests are skipped, and why (test/helpers/datasets.ts)
          globalSetup: ['test/helpers/datasets-setup.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // a shared CI machine can take seconds to render a screen: polls wait up to 15 s (vitest's
          // default is 1 s), and a poll that succeeds returns at once, so a fast machine is not slowed
          expect: { poll: { timeout: 15_000 } },
        },
      },
    ],
  },
});
