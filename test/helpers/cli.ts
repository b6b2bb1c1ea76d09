import { expect } from 'vitest';
import { runCli } from '../../electron/backend/cli/main.js';

/** Runs the CLI in this process and captures what it printed. ASSAY_DB is unset unless `env` sets it. */
export async function captureCli(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), env });
  return { code, out, err };
}

/** Runs a CLI command that must succeed; resolves to its standard output. */
export async function cliOk(...argv: string[]): Promise<string> {
  const r = await captureCli(argv);
  expect(r.code, r.err).toBe(0);
  return r.out;
}
