import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PlaylistFolderWatch } from '../../../src/library';

/** Resolves when `count` reaches at least `n`, or rejects after `ms`. */
function until(read: () => number, n: number, ms = 5000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (read() >= n) resolve();
      else if (Date.now() - started > ms) reject(new Error(`only ${read()} change(s) seen`));
      else setTimeout(check, 10);
    };
    check();
  });
}

describe('library/playlists: PlaylistFolderWatch', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-folder-watch-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sees files written, renamed into place and removed by someone else', async () => {
    let changes = 0;
    const watch = new PlaylistFolderWatch(dir, () => changes++);
    try {
      assert.ok(watch.watching);
      fs.writeFileSync(path.join(dir, 'Edited.m3u8'), '#EXTM3U\n');
      await until(() => changes, 1);
      const before = changes;
      fs.writeFileSync(path.join(dir, '.tmp'), 'x');
      fs.renameSync(path.join(dir, '.tmp'), path.join(dir, 'Pulled.m3u'));
      await until(() => changes, before + 1);
      const beforeRemove = changes;
      fs.rmSync(path.join(dir, 'Pulled.m3u'));
      await until(() => changes, beforeRemove + 1);
    } finally {
      watch.dispose();
    }
  });

  it('starts on ensure() once a missing folder exists, and stays quiet after dispose', async () => {
    const folder = path.join(dir, '.vscode', 'playlists');
    let changes = 0;
    const watch = new PlaylistFolderWatch(folder, () => changes++);
    try {
      assert.equal(watch.watching, false);
      fs.mkdirSync(folder, { recursive: true });
      watch.ensure();
      assert.equal(watch.watching, true);
      fs.writeFileSync(path.join(folder, 'New.m3u8'), '#EXTM3U\n');
      await until(() => changes, 1);
      // Removed, then made again (a branch switch): the next ensure() watches the new folder.
      fs.rmSync(folder, { recursive: true });
      await new Promise((resolve) => setTimeout(resolve, 150)); // the old watch hears it go
      assert.equal(watch.watching, false);
      fs.mkdirSync(folder);
      watch.ensure();
      assert.equal(watch.watching, true);
      const beforeRecreate = changes;
      fs.writeFileSync(path.join(folder, 'Again.m3u8'), '#EXTM3U\n');
      await until(() => changes, beforeRecreate + 1);
      watch.dispose();
      assert.equal(watch.watching, false);
      const seen = changes;
      fs.writeFileSync(path.join(folder, 'Later.m3u8'), '#EXTM3U\n');
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(changes, seen);
    } finally {
      watch.dispose();
    }
  });
});
