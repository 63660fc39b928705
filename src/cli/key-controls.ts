import type { ReadStream } from 'node:tty';
import type { IDisposable } from '../base/lifecycle';

export type KeyAction = 'toggle' | 'back' | 'forward' | 'next' | 'previous' | 'quit' | 'interrupt';

/** Bytes a terminal in raw mode sends, and what they mean here. */
const keyMap: readonly (readonly [string, KeyAction])[] = [
  ['\x1b[D', 'back'], // ←
  ['\x1b[C', 'forward'], // →
  ['\x1bOD', 'back'], // ← in application cursor mode
  ['\x1bOC', 'forward'],
  [' ', 'toggle'],
  ['n', 'next'],
  ['N', 'next'],
  ['p', 'previous'],
  ['P', 'previous'],
  ['q', 'quit'],
  ['Q', 'quit'],
  // Raw mode turns Ctrl-C and Ctrl-D into plain bytes instead of signals.
  ['\x03', 'interrupt'],
  ['\x04', 'quit'],
];

/** Splits what one read returned (a paste or fast typing can hold several keys) into actions. */
export function parseKeys(input: string): KeyAction[] {
  const actions: KeyAction[] = [];
  let rest = input;
  while (rest.length > 0) {
    const hit = keyMap.find(([bytes]) => rest.startsWith(bytes));
    if (hit) {
      actions.push(hit[1]);
      rest = rest.slice(hit[0].length);
    } else {
      // Unknown key or escape sequence: skip the whole sequence, not just its ESC.
      const sequence = /^\x1b(\[[0-9;]*[A-Za-z~]|O[A-Za-z])?/.exec(rest); // eslint-disable-line no-control-regex
      rest = rest.slice(sequence ? sequence[0].length : 1);
    }
  }
  return actions;
}

/**
 * Single-key controls while `play` runs on a terminal. Puts stdin in raw mode and restores it
 * on dispose, and also when the process exits some other way, so the shell is never left
 * without echo.
 */
export class KeyControls implements IDisposable {
  private readonly onData = (chunk: string | Buffer) => {
    for (const action of parseKeys(chunk.toString())) this.onAction(action);
  };
  private readonly restoreOnExit = () => this.restore();
  private active = true;

  private constructor(
    private readonly stdin: ReadStream,
    private readonly onAction: (action: KeyAction) => void,
  ) {
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.on('data', this.onData);
    stdin.resume();
    process.once('exit', this.restoreOnExit);
  }

  /** Key controls when stdin is a terminal; undefined otherwise (pipes, CI). */
  static attach(stdin: NodeJS.ReadableStream & { isTTY?: boolean }, onAction: (action: KeyAction) => void): KeyControls | undefined {
    const tty = stdin as Partial<ReadStream> & NodeJS.ReadableStream;
    if (!stdin.isTTY || typeof tty.setRawMode !== 'function') return undefined;
    return new KeyControls(stdin as ReadStream, onAction);
  }

  private restore(): void {
    if (!this.active) return;
    this.active = false;
    this.stdin.off('data', this.onData);
    this.stdin.setRawMode(false);
    // Paused, so stdin no longer keeps the process alive.
    this.stdin.pause();
  }

  dispose(): void {
    this.restore();
    process.off('exit', this.restoreOnExit);
  }
}
