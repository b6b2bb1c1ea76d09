import { describe, expect, it } from 'vitest';
import { runCrashTest } from './crash-harness.js';

describe('crash test (SIGKILL mid-review)', () => {
  it('loses and duplicates nothing acknowledged over 10 kill/restart cycles', async () => {
    const report = await runCrashTest({ cycles: 10 });
    expect(report.acknowledged).toBeGreaterThan(10); // the test really exercised the log
    expect(report).toMatchObject({ lost: 0, duplicated: 0, corrupt: 0, cycles: 10 });
  }, 180_000);
});
