import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A browser-mode server started as a child process, as a user would start it. */
export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  /** Stops it (SIGTERM, or SIGKILL for crash tests) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `assay serve --db DB --port 0` and resolves once it prints its URL; `env` adds variables. */
export function startServe(dbPath: string, extraArgs: readonly string[] = [], env: Readonly<Record<string, string>> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'assay.mjs'), 'serve', '--db', dbPath, '--port', '0', ...extraArgs], {
    cwd: repoRoot,
    detached: true, // own process group, so stop() can kill everything it started
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ASSAY_DB: '', ...env },
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      reject(new Error(`assay serve did not start in 20 s:\n${output}`));
    }, 20_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /(http:\/\/[^\s/]+:\d+\/)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          child,
          output: () => output,
          stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) {
              try {
                process.kill(-child.pid!, signal);
              } catch {
                // already gone
              }
            }
            await exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`assay serve exited with ${code}:\n${output}`));
    });
  });
}
