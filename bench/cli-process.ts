// Runs the built CLI in a child process, as a user runs it, and measures it from outside: wall time
// (start-up included) and peak resident memory (VmHWM, read from /proc while it runs).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'assay.mjs');

/** What {@link runCli} measured: wall time, the peak RSS in bytes (null where /proc does not exist), and the output. */
export type CliRun = { readonly ms: number; readonly peakBytes: number | null; readonly stdout: string };

/** Runs `assay ARGS…`; throws with the start of its stderr when it exits with another code than 0. */
export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
  const started = Date.now();
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  let peak: number | null = null;
  // VmHWM is the process's own high-water mark, so a 25 ms poll misses nothing but the last moments.
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak ?? 0, Number(m[1]) * 1024);
    } catch {
      // not Linux, or the process just ended
    }
  }, 25);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(poll);
  if (code !== 0) throw new Error(`assay ${args.join(' ')} exited with ${code}: ${stderr.slice(0, 2000)}`);
  return { ms: Date.now() - started, peakBytes: peak, stdout };
}
