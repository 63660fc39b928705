import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Emitter } from '../base/event';
import { Disposable } from '../base/lifecycle';
import { CoverCache } from '../library';
import type { CoverProvider } from './player-view-model';

const extensions: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp' };
const MAX_FILES = 200;

/**
 * Cover art for views: read lazily (only for the track being shown), written once to a
 * bounded folder in the extension's storage, and handed out as a file: URI that the panel
 * turns into a webview resource. A lookup that is not ready yet answers undefined and fires
 * `onDidLoad` when the file exists, so the view re-renders with it.
 */
export class CoverFiles extends Disposable implements CoverProvider {
  private readonly cache = new CoverCache({ maxBytes: 16 * 1024 * 1024 });
  private readonly known = new Map<string, string | null>();
  private readonly loadedEmitter = this._register(new Emitter<string>());
  readonly onDidLoad = this.loadedEmitter.event;

  constructor(readonly folder: string, private readonly log: (message: string) => void) {
    super();
  }

  coverUri(trackUri: string): string | undefined {
    const known = this.known.get(trackUri);
    if (known !== undefined) return known ?? undefined;
    if (/^https?:/i.test(trackUri)) return undefined;
    this.known.set(trackUri, null);
    void this.load(trackUri);
    return undefined;
  }

  private async load(trackUri: string): Promise<void> {
    try {
      const art = await this.cache.get(trackUri);
      if (!art || this.isDisposed) return;
      const name = `${createHash('sha1').update(trackUri).digest('hex')}.${extensions[art.format] ?? 'img'}`;
      const file = path.join(this.folder, name);
      await fs.promises.mkdir(this.folder, { recursive: true });
      if (!fs.existsSync(file)) {
        await fs.promises.writeFile(file, art.data);
        await this.prune();
      }
      this.known.set(trackUri, pathToFileURL(file).toString());
      this.loadedEmitter.fire(trackUri);
    } catch (error) {
      this.log(`cover art of ${trackUri} could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Keeps the folder bounded: the oldest files go first. */
  private async prune(): Promise<void> {
    const names = await fs.promises.readdir(this.folder);
    if (names.length <= MAX_FILES) return;
    const aged = await Promise.all(names.map(async (name) => ({ name, mtime: (await fs.promises.stat(path.join(this.folder, name))).mtimeMs })));
    aged.sort((a, b) => a.mtime - b.mtime);
    for (const { name } of aged.slice(0, names.length - MAX_FILES)) {
      await fs.promises.rm(path.join(this.folder, name), { force: true });
    }
  }
}
