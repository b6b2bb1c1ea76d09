// `npm run stress [-- CYCLES]`: the crash test (test/reliability/crash-harness.ts), 100 cycles by default.
import { runCrashTest } from '../test/reliability/crash-harness.js';

const cycles = Number(process.argv[2] ?? 100);
const report = await runCrashTest({ cycles, log: (line) => process.stderr.write(`${line}\n`) });
console.log(`lost: ${report.lost}, duplicated: ${report.duplicated}, cycles: ${report.cycles}`);
console.log(`(acknowledged actions: ${report.acknowledged}, failed integrity checks: ${report.corrupt})`);
process.exitCode = report.lost === 0 && report.duplicated === 0 && report.corrupt === 0 ? 0 : 1;
