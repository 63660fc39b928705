/**
 * The player webview's entry point: builds the UI, connects it to the host and routes
 * messages. Bundled by esbuild to dist/webview/main.js (browser, iife); imports nothing
 * from Node or VS Code, only the shared protocol.
 */
import type { HostMessage, PlayerCommand, QueueItem, ViewState } from '../src/protocol/messages';
import { el } from './dom';
import { anchorTime } from './interpolate';
import { indexAfterMove, moveItem } from './queue-edit';
import { NowPlayingView } from './render/now-playing';
import { QueueView } from './render/queue';
import { SeekBar } from './render/seek-bar';
import { TransportView } from './render/transport';
import { HostConnection } from './vscode-api';

interface SavedViewState {
  filter: string;
  scrollTop: number;
}

class PlayerApp {
  private readonly host = new HostConnection((message) => this.onHostMessage(message));
  private readonly saved = this.host.loadViewState<SavedViewState>({ filter: '', scrollTop: 0 });
  private readonly nowPlaying = new NowPlayingView();
  private readonly transport = new TransportView((command) => void this.run(command));
  private readonly seekBar = new SeekBar((positionMs) => void this.run({ command: 'seek', positionMs }));
  private readonly queue = new QueueView(
    {
      play: (index) => void this.run({ command: 'playIndex', index }),
      remove: (index) => void this.run({ command: 'removeIndex', index }),
      move: (from, to) => this.move(from, to),
      playFolder: () => void this.run({ command: 'playFolder' }),
      viewStateChanged: (filter, scrollTop) => this.host.saveViewState({ filter, scrollTop } satisfies SavedViewState),
    },
    this.saved.filter,
    this.saved.scrollTop,
  );
  private readonly notice = el('div', { class: 'notice', role: 'status', 'aria-live': 'polite', hidden: true });
  private noticeTimer = 0;

  private state: ViewState | undefined;
  private items: readonly QueueItem[] = [];
  private queueVersion = -1;

  constructor(root: HTMLElement) {
    root.append(
      el(
        'div',
        { class: 'player' },
        this.nowPlaying.element,
        el('div', { class: 'controls' }, this.seekBar.element, this.transport.element),
        this.notice,
      ),
      this.queue.element,
    );
    // While hidden the host posts nothing (hidden webviews drop messages), so on becoming
    // visible again ask for the full picture. Usually VS Code discards a hidden page and the
    // reloaded one says `ready` anyway; this covers the times it keeps it.
    document.addEventListener('visibilitychange', () => {
      if (document.hidden) {
        this.seekBar.pause();
      } else {
        this.seekBar.resume();
        this.host.ready();
      }
    });
    window.addEventListener('error', (event) => this.host.log('error', `${event.message} (${event.filename}:${event.lineno})`));
    window.addEventListener('unhandledrejection', (event) => this.host.log('error', `unhandled rejection: ${String(event.reason)}`));
    this.host.ready();
  }

  private onHostMessage(message: HostMessage): void {
    switch (message.type) {
      case 'state':
        this.onState(message.state);
        return;
      case 'position':
        this.seekBar.sync(
          { positionMs: message.positionMs, at: anchorTime(message.positionAt, Date.now()), playing: message.playing },
          this.duration(),
        );
        return;
      case 'queue':
        if (message.version < this.queueVersion) return; // overtaken by a newer queue
        this.queueVersion = message.version;
        this.items = message.items;
        this.queue.setItems(message.items);
        if (this.state) this.nowPlaying.update(this.state, this.items.length);
        return;
      case 'reply':
        return; // replies are consumed by HostConnection
    }
  }

  private onState(state: ViewState): void {
    // Ignore stale states (a slower update overtaken by a newer one).
    if (this.state && state.version < this.state.version) return;
    this.state = state;
    this.nowPlaying.update(state, this.items.length);
    this.transport.update(state);
    this.seekBar.sync(
      { positionMs: state.positionMs, at: anchorTime(state.positionAt, Date.now()), playing: state.state === 'playing' },
      this.duration(),
    );
    this.queue.setCurrent(state.currentIndex);
    this.queue.setPlaying(state.state === 'playing' || state.state === 'buffering');
  }

  /** The track's length: the engine's figure when known, else the tags'. */
  private duration(): number | undefined {
    return this.state?.durationMs ?? this.state?.track?.durationMs;
  }

  /** Reorders at once on screen; the host's next queue message confirms (or corrects) it. */
  private move(from: number, to: number): void {
    const before = this.items;
    const moved = moveItem(before, from, to);
    this.items = moved;
    this.queue.setItems(moved);
    if (this.state) this.queue.setCurrent(indexAfterMove(this.state.currentIndex, from, to));
    void this.run({ command: 'move', from, to }).then((ok) => {
      // Refused, and no newer queue since: put the rows back where the host has them.
      if (!ok && this.items === moved) {
        this.items = before;
        this.queue.setItems(before);
        if (this.state) this.queue.setCurrent(this.state.currentIndex);
      }
    });
  }

  /** Sends a command; resolves whether the host carried it out (errors are shown). */
  private run(command: PlayerCommand): Promise<boolean> {
    return this.host.command(command).then((result) => {
      if (!result.ok && result.error) this.showNotice(result.error);
      return result.ok;
    });
  }

  private showNotice(text: string): void {
    this.notice.textContent = text;
    this.notice.hidden = false;
    window.clearTimeout(this.noticeTimer);
    this.noticeTimer = window.setTimeout(() => (this.notice.hidden = true), 6000);
  }
}

const root = document.getElementById('app');
if (root) new PlayerApp(root);
