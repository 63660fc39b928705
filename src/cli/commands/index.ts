import type { CliCommand } from '../command';

/** Every subcommand, in the order `playhead --help` lists them. */
export const commands: readonly CliCommand[] = [];
