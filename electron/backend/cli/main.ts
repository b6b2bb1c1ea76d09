import { AppError } from '../../../shared/result.js';
import { appVersion } from '../paths.js';
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
  try {
    return await command.run(parseCommandArgs(command, rest), io);
  } catch (err) {
    const name = `assay ${command.words.join(' ')}`;
    if (err instanceof UsageError) {
      io.stderr(`${name}: ${err.message}\nUsage: ${name} ${command.usage}\n`);
      return 2;
    }
    if (err instanceof InputError || err instanceof AppError) {
      io.stderr(`${name}: ${err.message}\n`);
      return 1;
    }
    io.stderr(`${name}: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

/** Entry point of the `assay` binary. */
export async function main(): Promise<void> {
  const code = await runCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
  });
  process.exitCode = code;
}
