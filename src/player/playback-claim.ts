import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Emitter, type Event } from '../base/event';
import { Disposable, MutableDisposable, disposableTimeout, toDisposable } from '../base/lifecycle';
import { resources } from '../diagnostics/resource-tracker';
import { writeFileAtomic } from '../library/atomic-write';

/** What the claim file says: who started playing last. */
export interface ClaimRecord {
  readonly id: string;
  /** For people: "VS Code window (my-project)", "playhead command line". */
  readonly label: string;
  readonly pid: number;
  readonly at: number;
}

/** Several watch events arrive for one rename: read the file once they settle. */
const SETTLE_MS = 40;
const OWNER = 'PlaybackClaim';

/**
 * One player sounds at a time across VS Code windows and the command line. Every VS Code
 * window runs its own copy of the extension (and its own engine), so without this two windows
 * play two songs at once. A player that starts playing writes the claim file (atomically) in
 * the per-user folder; every other player watches that folder, and the one that held the
 * claim hears `onDidLose` when somebody else's id appears in it.
 *
 * Nothing is locked and nothing is polled: the last writer simply wins, which is what a person
 * pressing play in a second window means. If the folder cannot be watched (inotify limits, a
 * read-only home), `watching` is false and the players just do not pause one another.
 */
export class PlaybackClaim extends Disposable {
  readonly id = randomUUID();
  private readonly lostEmitter = this._register(new Emitter<ClaimRecord>());
  /** Fires once each time another player takes the claim this one held. */
  readonly onDidLose: Event<ClaimRecord> = this.lostEmitter.event;
  private readonly settle = this._register(new MutableDisposable());
  private holding = false;
  private watcher: fs.FSWatcher | undefined;

  constructor(
    private readonly file: string,
    private readonly label: string,
    private readonly log: (message: string) => void = () => undefined,
  ) {
    super();
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const watcher = fs.watch(path.dirname(file), (_event, name) => {
        if (name === null || name === path.basename(file)) this.scheduleRead();
      });
      watcher.on('error', (error) => {
        this.log(`cannot watch ${path.dirname(file)} for other players any more: ${error.message}`);
        this.closeWatcher();
      });
      this.watcher = watcher;
      const handle = resources.track('watcher', OWNER);
      this._register(
        toDisposable(() => {
          this.closeWatcher();
          handle.dispose();
        }),
      );
    } catch (error) {
      this.log(`cannot watch ${path.dirname(file)} for other players: ${(error as Error).message}; windows will not pause one another`);
    }
  }

  get watching(): boolean {
    return this.watcher !== undefined;
  }

  /** This player starts playing: tell the others. */
  async claim(): Promise<void> {
    if (this.isDisposed) return;
    this.holding = true;
    const record: ClaimRecord = { id: this.id, label: this.label, pid: process.pid, at: Date.now() };
    try {
      await writeFileAtomic(this.file, `${JSON.stringify(record)}\n`);
    } catch (error) {
      this.log(`cannot write ${this.file}: ${(error as Error).message}`);
    }
  }

  private scheduleRead(): void {
    if (!this.holding || this.isDisposed || this.settle.value) return;
    this.settle.value = disposableTimeout(() => {
      this.settle.clear();
      void this.read();
    }, SETTLE_MS);
  }

  private async read(): Promise<void> {
    let record: ClaimRecord | undefined;
    try {
      record = parseClaim(await fs.promises.readFile(this.file, 'utf8'));
    } catch {
      return; // removed or being replaced: the rename that follows brings another event
    }
    if (!record || record.id === this.id || !this.holding || this.isDisposed) return;
    this.holding = false;
    this.lostEmitter.fire(record);
  }

  private closeWatcher(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}

/** The record in `text`, or undefined when it is not one (a torn or foreign file). */
export function parseClaim(text: string): ClaimRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<ClaimRecord>;
    if (typeof value.id !== 'string' || typeof value.label !== 'string' || typeof value.pid !== 'number' || typeof value.at !== 'number') return undefined;
    return { id: value.id, label: value.label, pid: value.pid, at: value.at };
  } catch {
    return undefined;
  }
}
