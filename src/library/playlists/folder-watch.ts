import * as fs from 'node:fs';
import type { IDisposable } from '../../base/lifecycle';
import { resources } from '../../diagnostics/resource-tracker';

const OWNER = 'PlaylistFolderWatch';

/**
 * Node's own watch (inotify, FSEvents, ReadDirectoryChangesW in this process) on a playlists
 * folder, for edits made outside Playhead. VS Code's file watcher service serves the same
 * purpose in the extension, but it was seen delivering nothing for most of a minute on a
 * busy machine while a watch like this one kept working.
 *
 * A folder that does not exist yet cannot be watched: `ensure()` starts the watch once it
 * exists (the owner calls it whenever it looks at the folder anyway), and starts it again on a
 * folder removed and made anew.
 */
export class PlaylistFolderWatch implements IDisposable {
  private watcher: fs.FSWatcher | undefined;
  private handle: IDisposable | undefined;
  private disposed = false;

  constructor(
    private readonly folder: string,
    private readonly onChange: () => void,
  ) {
    this.ensure();
  }

  get watching(): boolean {
    return this.watcher !== undefined;
  }

  /** Start watching if not yet and the folder exists. */
  ensure(): void {
    if (this.disposed || this.watcher) return;
    try {
      const watcher = fs.watch(this.folder, (event) => {
        // The folder itself removed (a branch switch): this watch is dead; the next ensure()
        // watches the folder made anew. (Not by inode: a new folder can reuse the old one's.)
        if (event === 'rename' && !fs.existsSync(this.folder)) this.stop();
        this.onChange();
      });
      watcher.on('error', () => this.stop());
      this.watcher = watcher;
      this.handle = resources.track('watcher', OWNER);
    } catch {
      // Missing (or unreadable) for now: the next ensure() tries again.
    }
  }

  private stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
    this.handle?.dispose();
    this.handle = undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
  }
}
