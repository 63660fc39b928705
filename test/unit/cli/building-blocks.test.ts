import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Emitter } from '../../../src/base/event';
import type { AudioEngine, LoadedTrack, TrackRef } from '../../../src/engine/api';
import { CliEngineView } from '../../../src/cli/cli-engine-view';
import { sinkForOutput } from '../../../src/cli/engine-setup';
import { parseKeys } from '../../../src/cli/key-controls';
import { progressLine } from '../../../src/cli/now-playing';
import { formatClock } from '../../../src/cli/time-format';
import { readOrCreateTokenFile } from '../../../src/cli/token-file';
import type { PlayerSnapshot } from '../../../src/player';

describe('cli: building blocks', () => {
  it('parses keys, several per read, skipping unknown escape sequences', () => {
    assert.deepEqual(parseKeys(' '), ['toggle']);
    assert.deepEqual(parseKeys('\x1b[C\x1b[D'), ['forward', 'back']);
    assert.deepEqual(parseKeys('np\x1b[Aq'), ['next', 'previous', 'quit']);
    assert.deepEqual(parseKeys('\x03'), ['interrupt']);
    assert.deepEqual(parseKeys('x\x1b[15~z'), []);
  });

  it('formats clocks and the live line', () => {
    assert.equal(formatClock(83_000), '1:23');
    assert.equal(formatClock(3_723_400), '1:02:03');
    assert.equal(formatClock(undefined), '--:--');
    const snapshot = { state: 'paused', track: { uri: '/m/a.mp3', title: 'Song', artist: 'Band' }, positionMs: 83_000, positionAt: 0, durationMs: 225_000 } as unknown as PlayerSnapshot;
    assert.equal(progressLine(snapshot, 10_000), 'Song — Band  1:23 / 3:45  paused');
    const radio = { ...snapshot, state: 'buffering', bufferingProgress: 0.4, streamTitle: 'Artist - On Air', track: { uri: 'http://127.0.0.1/radio', title: 'Test FM' }, durationMs: undefined } as unknown as PlayerSnapshot;
    assert.equal(progressLine(radio, 10_000), 'Artist - On Air — Test FM  1:23 / --:--  Buffering… 40 %');
  });

  it('maps --output to the engine sink, with wav paths made absolute', () => {
    assert.equal(sinkForOutput(undefined), 'auto');
    assert.equal(sinkForOutput('default'), 'auto');
    assert.equal(sinkForOutput('null'), 'null');
    assert.equal(sinkForOutput('wav:out.wav'), `wav:${path.resolve('out.wav')}`);
    assert.throws(() => sinkForOutput('wav:'), /--output must be/);
    assert.throws(() => sinkForOutput('pipe'), /--output must be/);
  });

  it('CliEngineView starts the first load at --start and holds a WAV track until the preload', async () => {
    const calls: string[] = [];
    const fake = fakeEngine(calls);
    const view = new CliEngineView(fake, { firstStartMs: 1500, holdUntilPreload: true });
    await view.load({ id: '1', uri: '/a' }, { autoplay: true, startMs: 0 });
    await view.preloadNext({ id: '2', uri: '/b' });
    await view.load({ id: '3', uri: '/c' }, { autoplay: false, startMs: 0 });
    await view.preloadNext(undefined);
    assert.deepEqual(calls, ['load /a autoplay=false start=1500', 'preload /b', 'play', 'load /c autoplay=false start=0', 'preload none']);
  });

  it('creates the token file once with mode 0600 and reads it back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-token-'));
    try {
      const file = path.join(dir, 'nested', 'api-token');
      const first = await readOrCreateTokenFile(file);
      assert.equal(first.created, true);
      assert.match(first.token, /^[0-9a-f]{64}$/);
      if (process.platform !== 'win32') assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      const second = await readOrCreateTokenFile(file);
      assert.deepEqual(second, { token: first.token, created: false });
      fs.writeFileSync(file, 'short\n');
      await assert.rejects(readOrCreateTokenFile(file), /shorter than 16/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

function fakeEngine(calls: string[]): AudioEngine {
  const never = new Emitter<never>();
  return {
    state: 'idle',
    async load(track: TrackRef, options: { startMs?: number; autoplay: boolean }): Promise<LoadedTrack> {
      calls.push(`load ${track.uri} autoplay=${options.autoplay} start=${options.startMs}`);
      return { track, format: { sampleRate: 44_100, channels: 2 } as LoadedTrack['format'], durationMs: 1000 };
    },
    play: async () => void calls.push('play'),
    pause: async () => void calls.push('pause'),
    stop: async () => void calls.push('stop'),
    seek: async () => undefined,
    setVolume: async () => undefined,
    preloadNext: async (track) => void calls.push(`preload ${track?.uri ?? 'none'}`),
    onDidChangeState: never.event,
    onPosition: never.event,
    onTrackStarted: never.event,
    onTrackEnded: never.event,
    onError: never.event,
    dispose: () => undefined,
  };
}
