import { CliIO, ExitCode, UsageError } from './command';
import { commands } from './commands/index';

declare const PLAYHEAD_VERSION: string | undefined;

function version(): string {
  return typeof PLAYHEAD_VERSION === 'string' ? PLAYHEAD_VERSION : 'dev';
}

function overview(): string {
  const width = Math.max(8, ...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: playhead <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `playhead <command> --help` for the options of one command.',
    '',
  ].join('\n');
}

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(overview());
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version()}\n`);
    return ExitCode.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`playhead: unknown command '${name}'\n\n${overview()}`);
    return ExitCode.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage.trimEnd()}\n`);
    return ExitCode.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`playhead ${name}: ${error.message}\n\n${command.usage.trimEnd()}\n`);
      return ExitCode.usage;
    }
    io.stderr.write(`playhead ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.failure;
  }
}

if (require.main === module) {
  let interrupt!: () => void;
  const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
  process.once('SIGINT', () => interrupt());
  process.once('SIGTERM', () => interrupt());
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, interrupted }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`playhead: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = ExitCode.failure;
    },
  );
}
