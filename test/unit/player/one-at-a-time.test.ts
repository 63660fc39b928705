import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalEngine } from '../../../src/engine/local-engine';
import { PlaybackClaim, Player, pauseWhenOthersPlay, type ClaimRecord } from '../../../src/player';
import { MemoryStateStore } from '../../../src/player/store';
import { parseClaim } from '../../../src/player/playback-claim';
import { counterPcm, writeWavS16 } from '../../support/pcm-signals';
import { waitForSnapshot } from '../../support/snapshot-wait';

/**
 * Two VS Code windows are two extension hosts that share only the file system: here two
 * players, each on its own real engine (null sink, real time) and its own PlaybackClaim on
 * the same claim file, stand in for them.
 */
describe('one player at a time (PlaybackClaim)', () => {
  let dir: string;
  let song: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-claim-'));
    song = path.join(dir, 'song.wav');
    writeWavS16(song, counterPcm(0, 44_100 * 20), 44_100, 2);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function window(name: string, claimFile: string, enabled = () => true) {
    const engine = new LocalEngine({ sink: 'null', pauseFadeMs: 0 });
    const player = new Player({ engine, store: new MemoryStateStore(), log: () => undefined });
    const claim = new PlaybackClaim(claimFile, name);
    const pausedBy: ClaimRecord[] = [];
    const wiring = pauseWhenOthersPlay(player, claim, { enabled, onPaused: (by) => pausedBy.push(by) });
    player.add([{ uri: song }]);
    return {
      player,
      claim,
      pausedBy,
      dispose() {
        wiring.dispose();
        claim.dispose();
        player.dispose();
        engine.dispose();
      },
    };
  }

  it('pauses the window that was playing when another one starts, and the other way round', async function () {
    this.timeout(20_000);
    const file = path.join(dir, 'a', 'now-playing.json');
    const first = window('first window', file);
    const second = window('second window', file);
    try {
      assert.ok(first.claim.watching && second.claim.watching);
      await first.player.play();
      await waitForSnapshot(first.player, (s) => s.state === 'playing' && s.positionMs > 200);
      assert.equal(parseClaim(fs.readFileSync(file, 'utf8'))?.label, 'first window');

      const firstPaused = waitForSnapshot(first.player, (s) => s.state === 'paused');
      await second.player.play();
      await firstPaused;
      assert.equal(second.player.state, 'playing');
      assert.deepEqual(first.pausedBy.map((r) => r.label), ['second window']);

      // Resuming the first window takes the claim back: now the second one pauses.
      const secondPaused = waitForSnapshot(second.player, (s) => s.state === 'paused');
      await first.player.play();
      await secondPaused;
      assert.equal(first.player.state, 'playing');
      assert.deepEqual(second.pausedBy.map((r) => r.label), ['first window']);
    } finally {
      first.dispose();
      second.dispose();
    }
  });

  it('leaves a window playing when its setting is off, and never pauses a paused or stopped one', async function () {
    this.timeout(20_000);
    const file = path.join(dir, 'b', 'now-playing.json');
    const relaxed = window('relaxed window', file, () => false);
    const other = window('other window', file);
    try {
      await relaxed.player.play();
      await waitForSnapshot(relaxed.player, (s) => s.state === 'playing');
      await other.player.play();
      await waitForSnapshot(other.player, (s) => s.state === 'playing');
      await new Promise((resolve) => setTimeout(resolve, 300)); // the watch event and its settle time
      assert.equal(relaxed.player.state, 'playing');
      assert.deepEqual(relaxed.pausedBy, []);

      // `other` is paused by hand; another claim must not touch it (nor call pause again).
      await other.player.pause();
      await relaxed.player.pause();
      await relaxed.player.play();
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(other.player.state, 'paused');
      assert.deepEqual(other.pausedBy, []);
    } finally {
      relaxed.dispose();
      other.dispose();
    }
  });

  it('ignores a torn or foreign claim file', () => {
    assert.equal(parseClaim('{"id":"x","label":"y","pid":1'), undefined);
    assert.equal(parseClaim('{"hello":"world"}'), undefined);
    assert.deepEqual(parseClaim('{"id":"x","label":"y","pid":1,"at":2}'), { id: 'x', label: 'y', pid: 1, at: 2 });
  });
});
