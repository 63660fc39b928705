/**
 * The webview's side of the host connection: a typed, validated wrapper around
 * acquireVsCodeApi(). Incoming messages are checked with parseHostMessage; malformed ones
 * are dropped and reported to the host log. Commands carry ids and resolve on their reply.
 */
import { HostMessage, parseHostMessage, PlayerCommand, WebviewMessage } from '../src/protocol/messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface CommandResult {
  readonly ok: boolean;
  readonly error: string | undefined;
}

/** How long a command may wait for its reply before the view gives up on it. */
const REPLY_TIMEOUT_MS = 30_000;

export class HostConnection {
  private readonly api: VsCodeApi = acquireVsCodeApi();
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (result: CommandResult) => void; timer: number }>();

  constructor(private readonly onHostMessage: (message: HostMessage) => void) {
    window.addEventListener('message', (event: MessageEvent) => this.receive(event.data));
  }

  /** Tells the host the page is listening; it answers with the full state and queue. */
  ready(): void {
    this.post({ type: 'ready' });
  }

  command(command: PlayerCommand): Promise<CommandResult> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = window.setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, error: undefined });
      }, REPLY_TIMEOUT_MS);
      this.pending.set(id, { resolve, timer });
      this.post({ type: 'command', id, ...command } as WebviewMessage);
    });
  }

  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.post({ type: 'log', level, message });
  }

  /** UI state that should survive the page being hidden and reloaded (filter, scroll). */
  loadViewState<T extends object>(fallback: T): T {
    const saved = this.api.getState();
    return typeof saved === 'object' && saved !== null ? { ...fallback, ...(saved as Partial<T>) } : fallback;
  }

  saveViewState(state: object): void {
    this.api.setState(state);
  }

  private post(message: WebviewMessage): void {
    this.api.postMessage(message);
  }

  private receive(data: unknown): void {
    const message = parseHostMessage(data);
    if (!message) {
      const type = typeof data === 'object' && data !== null ? String((data as { type?: unknown }).type) : typeof data;
      this.log('warn', `dropped a malformed host message (type ${type})`);
      return;
    }
    if (message.type === 'reply') {
      const waiting = this.pending.get(message.id);
      if (waiting) {
        this.pending.delete(message.id);
        window.clearTimeout(waiting.timer);
        waiting.resolve({ ok: message.ok, error: message.error });
      }
      return;
    }
    this.onHostMessage(message);
  }
}
