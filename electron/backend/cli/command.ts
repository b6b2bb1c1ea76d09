import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Where a command writes; tests pass buffers. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** True when stderr is a terminal: progress bars are drawn only then (see cli/output.ts). */
  readonly stderrIsTTY?: boolean;
}

/** A usage error: wrong flags or arguments (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Invalid input data: the command ran but refused its input (exit code 1). */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** One CLI command. Multi-word commands (`study create`) are one entry each. */
export interface Command {
  /** Words that select the command, e.g. `['study', 'create']`. */
  readonly words: readonly string[];
  readonly summary: string;
  /** The argument synopsis shown in help, e.g. `FILE... [--db PATH]`. */
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  readonly allowPositionals?: boolean;
  /** Runs the command; resolves to the exit code (or never resolves, for `serve`). */
  run(args: { values: Record<string, unknown>; positionals: string[] }, io: CliIo): Promise<number> | number;
}

/** Parses a command's flags; unknown flags are usage errors. */
export function parseCommandArgs(command: Command, argv: readonly string[]): { values: Record<string, unknown>; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args: [...argv],
      options: command.options,
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
    return { values: parsed.values as Record<string, unknown>, positionals: parsed.positionals };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The `--db` option every database command takes. */
export const dbOption = { db: { type: 'string' } } as const;
