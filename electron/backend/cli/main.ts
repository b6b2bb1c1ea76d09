import { AppError } from '../../../shared/result.js';
import { databaseError } from '../db/errors.js';
import { appVersion, resolveDbPath } from '../paths.js';
import { InputError, UsageError, parseCommandArgs, type CliIo, type Command } from './command.js';
import { commands } from './commands/index.js';

/** The help text, generated from the command table. */
export function helpText(table: readonly Command[] = commands): string {
  const rows = table.map((c) => [`assay ${c.words.join(' ')} ${c.usage}`.trimEnd(), c.summary] as const);
  const width = Math.max(...rows.map(([u]) => u.length));
  return [
    'Assay — AI-assisted critique review',
    '',
    'Usage:',
    ...rows.map(([u, s]) => `  ${u.padEnd(width)}  ${s}`),
    '  assay --help | --version',
    '',
    'Every command that uses a database takes --db PATH; otherwise ASSAY_DB, otherwise the',
    "platform's user-data folder (shared with the desktop app).",
    'Exit codes: 0 ok, 1 invalid input or failure, 2 usage error.',
    '',
  ].join('\n');
}

function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | undefined {
  const sorted = [...commands].sort((a, b) => b.words.length - a.words.length);
  for (const command of sorted) {
    if (command.words.every((w, i) => argv[i] === w)) return { command, rest: argv.slice(command.words.length) };
  }
  return undefined;
}

/** Runs the CLI; resolves to the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout(helpText());
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    io.stdout(`${appVersion()}\n`);
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.stderr(`assay: unknown command: ${argv.join(' ')}\n\n${helpText()}`);
    return 2;
  }
  const { command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`Usage: assay ${command.words.join(' ')} ${command.usage}\n${command.summary}\n`);
    return 0;
  }
  let args: ReturnType<typeof parseCommandArgs> | undefined;
  try {
    args = parseCommandArgs(command, rest);
    return await command.run(args, io);
  } catch (err) {
    const name = `assay ${command.words.join(' ')}`;
    if (err instanceof UsageError) {
      io.stderr(`${name}: ${err.message}\nUsage: ${name} ${command.usage}\n`);
      return 2;
    }
    const dbPath = args && 'db' in command.options ? resolveDbPath(args.values['db'] as string | undefined, io.env) : undefined;
    io.stderr(`${name}: ${failureMessage(err, io.env, dbPath)}\n`);
    return 1;
  }
}

/** Why a file or network call failed, in words (Node's error codes). */
const systemReasons: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  EEXIST: 'it already exists',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exceeded',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many open files',
  EADDRINUSE: 'the address is already in use (is another Assay serving there? try --port 0)',
  EADDRNOTAVAIL: 'the address is not available on this machine',
};

/**
 * The one line the CLI prints for a failed command: the message of an expected failure, a
 * system error in words (what, where, why), and for anything else its message marked as
 * unexpected. Never a stack trace, unless ASSAY_DEBUG=1 asks for one.
 */
export function failureMessage(err: unknown, env: NodeJS.ProcessEnv, dbPath?: string): string {
  if (err instanceof InputError || err instanceof AppError) return err.message;
  const sqlite = databaseError(err, dbPath ?? '(the --db file)');
  if (sqlite) return sqlite.message;
  const e = err as Partial<NodeJS.ErrnoException> & { address?: string; port?: number; dest?: string };
  const reason = typeof e.code === 'string' ? systemReasons[e.code] : undefined;
  if (reason && typeof e.syscall === 'string') {
    const where = e.path ?? (e.address !== undefined ? `${e.address}${e.port !== undefined ? `:${e.port}` : ''}` : undefined);
    return `cannot ${e.syscall}${where ? ` ${where}` : ''}${e.dest ? ` to ${e.dest}` : ''}: ${reason}`;
  }
  const message = err instanceof Error ? err.message : String(err);
  if (env['ASSAY_DEBUG'] === '1' && err instanceof Error && err.stack) return err.stack;
  return `${message} (unexpected error; run with ASSAY_DEBUG=1 to see where it happened)`;
}

/** Entry point of the `assay` binary. */
export async function main(): Promise<void> {
  const code = await runCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    stderrIsTTY: process.stderr.isTTY === true,
  });
  process.exitCode = code;
}
