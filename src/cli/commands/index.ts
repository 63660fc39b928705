import type { CliCommand } from '../command';
import { decodeCommand } from './decode';
import { infoCommand } from './info';
import { scanCommand } from './scan';

/** Every subcommand, in the order `playhead --help` lists them. */
export const commands: readonly CliCommand[] = [scanCommand, infoCommand, decodeCommand];
