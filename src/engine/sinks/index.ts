import { CommandSink, INSTALL_HINT, findPlayerCommand } from './command-sink';
import { loadNaudiodon } from './native-binding';
import { NaudiodonSink } from './naudiodon-sink';
import { NullSink } from './null-sink';
import { AudioSink, PcmFormat } from './sink';
import { WavSink } from './wav-sink';

export type { AudioSink, PcmFormat } from './sink';

/**
 * Sink specs: 'auto' (naudiodon, else a command-line player), 'naudiodon', 'null', 'pipe'
 * (command-line player only), 'wav:/path/file.wav'.
 */
export interface SinkSpec {
  readonly kind: 'auto' | 'naudiodon' | 'null' | 'pipe' | 'wav';
  readonly file?: string;
}

export function parseSinkSpec(spec: string | undefined): SinkSpec {
  const value = spec ?? 'auto';
  if (value.startsWith('wav:')) {
    const file = value.slice(4);
    if (!file) throw new Error("The wav sink needs a file: 'wav:/path/out.wav'");
    return { kind: 'wav', file };
  }
  if (value === 'auto' || value === 'naudiodon' || value === 'null' || value === 'pipe') return { kind: value };
  throw new Error(`Unknown sink '${value}' (use auto, naudiodon, null, pipe or wav:FILE)`);
}

export type Log = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;

/**
 * Opens the sink `spec` describes for `format`. Throws a message a person can act on.
 * `onStuck`: the device would not close and was left behind (naudiodon only).
 */
export function openSink(spec: SinkSpec, format: PcmFormat, deviceName: string | undefined, log: Log, onStuck?: (message: string) => void): AudioSink {
  switch (spec.kind) {
    case 'null':
      return new NullSink(format);
    case 'wav':
      return new WavSink(spec.file as string, format, spec);
    case 'pipe':
      return new CommandSink(format);
    case 'naudiodon': {
      const load = loadNaudiodon();
      if (!load.ok) throw new Error(load.message);
      return new NaudiodonSink(load.binding, format, { deviceName, onStuck });
    }
    case 'auto': {
      const load = loadNaudiodon();
      let problem: string;
      if (load.ok) {
        try {
          return new NaudiodonSink(load.binding, format, { deviceName, onStuck });
        } catch (error) {
          // A chosen device that does not exist is the user's to fix, not a reason to switch.
          if (deviceName !== undefined) throw error;
          problem = `naudiodon could not open the default output: ${error instanceof Error ? error.message : String(error)}`;
        }
      } else {
        problem = load.message;
      }
      const player = findPlayerCommand();
      if (!player) throw new Error(`${problem}. ${INSTALL_HINT}`);
      log('warn', `${problem}; playing through ${player.path} instead`);
      return new CommandSink(format);
    }
  }
}
