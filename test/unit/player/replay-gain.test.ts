import * as assert from 'node:assert/strict';
import { replayGainFactor, type ReplayGainMode } from '../../../src/player/replay-gain';
import { parseTrack, type Track } from '../../../src/player/track';
import { rig } from './helpers';

const db = (gain: number) => 10 ** (gain / 20);
const close = (actual: number | undefined, expected: number) => assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);

describe('ReplayGain', () => {
  const tagged: Track = { uri: '/music/a.flac', replayGain: { trackGain: -6, trackPeak: 0.9, albumGain: -8, albumPeak: 0.95 } };

  it('gives the track or album gain as a linear factor, 1 when off or untagged', () => {
    close(replayGainFactor(tagged, 'track'), db(-6));
    close(replayGainFactor(tagged, 'album'), db(-8));
    assert.equal(replayGainFactor(tagged, 'off'), 1);
    assert.equal(replayGainFactor({ uri: '/music/b.flac' }, 'track'), 1);
  });

  it('falls back to the track gain in album mode when the album has none', () => {
    close(replayGainFactor({ uri: '/x', replayGain: { trackGain: -3 } }, 'album'), db(-3));
  });

  it('never lets the tagged peak clip, and caps damaged gains', () => {
    close(replayGainFactor({ uri: '/x', replayGain: { trackGain: 6, trackPeak: 0.8 } }, 'track'), 1 / 0.8);
    close(replayGainFactor({ uri: '/x', replayGain: { trackGain: 60 } }, 'track'), 8);
  });

  it('survives persistence (parseTrack keeps it, and refuses a damaged record)', () => {
    assert.deepEqual(parseTrack(JSON.parse(JSON.stringify(tagged))), tagged);
    assert.equal(parseTrack({ uri: '/x', replayGain: { trackGain: 'loud' } }), undefined);
  });

  it('reaches the engine with every load and preload, in the mode read at that moment', async () => {
    let mode: ReplayGainMode = 'track';
    const { player, engine } = rig({ replayGain: () => mode });
    player.add([tagged, { uri: '/music/untagged.flac' }, tagged]);
    await player.play();
    close(engine.current?.gain, db(-6));
    assert.equal(engine.preloaded?.gain, undefined, 'an untagged track plays at unity');
    mode = 'album';
    await player.next();
    await player.next();
    close(engine.current?.gain, db(-8));
    player.dispose();
  });
});
