import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalEngine } from '../../../src/engine/local-engine';
import { Player } from '../../../src/player/player';
import { MemoryStateStore } from '../../../src/player/store';
import { counterPcm, writeWavS16 } from '../../support/pcm-signals';
import { waitForSnapshot } from '../../support/snapshot-wait';

/**
 * The player on the real in-process engine (null sink: real time, no device): the player's
 * preloading must make a queue play gaplessly, and a broken file in the middle must be
 * skipped with an error while the rest plays.
 */
describe('Player on the LocalEngine (null sink)', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-player-engine-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const waitFor = waitForSnapshot;

  it('plays a queue to its end gaplessly through the preloads (one load, no track-ended), then stops', async () => {
    const files = [0, 1, 2].map((i) => {
      const file = path.join(dir, `part${i}.wav`);
      writeWavS16(file, counterPcm(i * 22_050, 22_050), 44_100, 2); // 0.5 s each
      return file;
    });
    // The null sink plays in real time, as a device does. Tracks are longer than the pipe, as
    // songs are: the engine starts decoding the next track one pipe-full before the current
    // one is heard to its end, so the player's preload (sent when a track is heard) is in time.
    const engine = new LocalEngine({ sink: 'null', pauseFadeMs: 0, pipeSeconds: 0.2 });
    const loads: string[] = [];
    const load = engine.load.bind(engine);
    engine.load = (track, options) => {
      loads.push(path.basename(track.uri));
      return load(track, options);
    };
    const ended: string[] = [];
    engine.onTrackEnded(({ trackId }) => ended.push(trackId));
    const player = new Player({ engine, store: new MemoryStateStore(), log: () => undefined });
    try {
      player.add(files.map((uri) => ({ uri })));
      const stopped = waitFor(player, (s) => s.state === 'stopped');
      assert.deepEqual(await player.play(), { ok: true });
      const end = await stopped;
      assert.equal(end.error, undefined);
      assert.equal(end.queueIndex, -1);
      assert.deepEqual(loads, ['part0.wav'], 'the later tracks came from preloads');
      assert.equal(ended.length, 1, 'only the last track ended without a successor');
      assert.deepEqual(
        player.history.map((h) => path.basename(h.track.uri)),
        ['part2.wav', 'part1.wav', 'part0.wav'],
      );
    } finally {
      player.dispose();
      engine.dispose();
    }
  });

  it('skips a broken file with an error in the snapshot and plays the rest', async () => {
    const good0 = path.join(dir, 'good0.wav');
    const broken = path.join(dir, 'broken.wav');
    const good1 = path.join(dir, 'good1.wav');
    writeWavS16(good0, counterPcm(0, 20_000), 44_100, 2);
    fs.writeFileSync(broken, Buffer.from('RIFF\u0000\u0000\u0000\u0000WAVEjunkjunkjunk'));
    writeWavS16(good1, counterPcm(20_000, 20_000), 44_100, 2);
    const engine = new LocalEngine({ sink: 'null', pauseFadeMs: 0, pipeSeconds: 0.2 });
    const player = new Player({ engine, store: new MemoryStateStore(), log: () => undefined });
    const errors: string[] = [];
    player.onDidChangeSnapshot((s) => {
      if (s.error && !errors.includes(s.error.message)) {
        errors.push(s.error.message);
      }
    });
    try {
      player.add([{ uri: good0 }, { uri: broken }, { uri: good1 }]);
      const stopped = waitFor(player, (s) => s.state === 'stopped');
      await player.play();
      await stopped;
      assert.deepEqual(
        player.history.map((h) => path.basename(h.track.uri)),
        ['good1.wav', 'good0.wav'],
      );
      assert.equal(errors.length, 1, errors.join('\n'));
      assert.match(errors[0]!, /Skipped broken\.wav/);
    } finally {
      player.dispose();
      engine.dispose();
    }
  });
});
