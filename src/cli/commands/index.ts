import type { CliCommand } from '../command';
import { decodeCommand } from './decode';
import { devicesCommand } from './devices';
import { infoCommand } from './info';
import { playCommand } from './play';
import { scanCommand } from './scan';
import { serveCommand } from './serve';

/** Every subcommand, in the order `playhead --help` lists them. */
export const commands: readonly CliCommand[] = [playCommand, scanCommand, infoCommand, decodeCommand, devicesCommand, serveCommand];
