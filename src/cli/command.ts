/**
 * One `playhead` subcommand. Each lives in its own file under `commands/` and is listed in
 * `commands/index.ts`; `main.ts` only dispatches.
 */
export interface CliCommand {
  readonly name: string;
  /** One line for `playhead --help`. */
  readonly summary: string;
  /** Full text for `playhead NAME --help`. */
  readonly usage: string;
  /** Returns the process exit code. Messages for people go to stderr; data to stdout. */
  run(args: readonly string[], io: CliIO): Promise<number>;
}

export interface CliIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Resolved when the user asks to stop (Ctrl-C); long commands watch it to clean up. */
  readonly interrupted: Promise<void>;
}

/** Exit codes shared by every subcommand. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** Input could not be read or decoded. */
  badInput: 3,
  /** Audio output could not be opened. */
  noOutput: 4,
} as const;

/** Thrown for wrong arguments; main prints it with the command's usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Map<string, string | true>;
}

/**
 * Minimal, strict flag parsing: `--name value`, `--name=value`, boolean `--name`.
 * `spec` lists every flag the command accepts and whether it takes a value; anything else is
 * a usage error, so typos never pass silently.
 */
export function parseArgs(args: readonly string[], spec: Record<string, 'value' | 'boolean'>): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const kind = spec[name];
    if (!kind) {
      throw new UsageError(`unknown option --${name}`);
    }
    if (kind === 'boolean') {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    const value = eq !== -1 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === '') {
      throw new UsageError(`--${name} needs a value`);
    }
    flags.set(name, value);
  }
  return { positionals, flags };
}

/** A flag parsed as a finite number, or `fallback` when absent. */
export function numberFlag(parsed: ParsedArgs, name: string, fallback?: number): number | undefined {
  const raw = parsed.flags.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw === true || !Number.isFinite(value)) {
    throw new UsageError(`--${name} needs a number, got ${String(raw)}`);
  }
  return value;
}
