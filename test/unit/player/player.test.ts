import * as assert from 'node:assert/strict';
import type { PlayerSnapshot } from '../../../src/player/snapshot';
import type { StateChange } from '../../../src/player/state-machine';
import { settle } from './fake-engine';
import { rig, tracks } from './helpers';

describe('Player', () => {
  describe('transport', () => {
    it('starts stopped with an empty queue and refuses to play nothing', async () => {
      const { player, engine } = rig();
      assert.equal(player.state, 'stopped');
      assert.equal(player.snapshot.queueIndex, -1);
      const result = await player.play();
      assert.deepEqual(result.ok ? undefined : result.reason, 'empty-queue');
      assert.deepEqual(engine.loadedUris, []);
    });

    it('plays the first track and preloads the second', async () => {
      const { player, engine } = rig();
      player.add(tracks(3));
      assert.deepEqual(await player.play(), { ok: true });
      await player.whenEngineIdle();
      assert.equal(player.state, 'playing');
      assert.equal(player.snapshot.queueIndex, 0);
      assert.equal(player.snapshot.track?.uri, '/music/t0.flac');
      assert.deepEqual(engine.loadedUris, ['/music/t0.flac']);
      assert.equal(engine.preloadedUri(), '/music/t1.flac');
    });

    it('rejects a command invalid in the current state and changes nothing', async () => {
      const { player, engine } = rig();
      player.add(tracks(2));
      await player.play();
      await player.whenEngineIdle();
      const before = player.snapshot;
      const callsBefore = engine.calls.length;
      const result = await player.play();
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.reason, 'invalid-state');
      assert.match(!result.ok ? result.message : '', /play while playing/);
      assert.equal(player.snapshot, before);
      assert.equal(engine.calls.length, callsBefore);

      await player.stop();
      const stopped = player.snapshot;
      for (const command of [() => player.pause(), () => player.stop(), () => player.seek(1000)]) {
        const r = await command();
        assert.equal(!r.ok && r.reason, 'invalid-state');
      }
      assert.equal(player.snapshot, stopped);
    });

    it('pauses and resumes without reloading, and toggles', async () => {
      const { player, engine } = rig();
      player.add(tracks(2));
      await player.play();
      await player.pause();
      assert.equal(player.state, 'paused');
      await player.play();
      assert.equal(player.state, 'playing');
      assert.deepEqual(engine.loadedUris, ['/music/t0.flac']);
      assert.ok(engine.calls.includes('pause') && engine.calls.includes('play'));
      await player.toggle();
      assert.equal(player.state, 'paused');
      await player.toggle();
      assert.equal(player.state, 'playing');
    });

    it('stops: the track stays current, the position goes to 0, Play starts it again', async () => {
      const { player, engine } = rig();
      player.add(tracks(3));
      await player.playAt(1);
      engine.reportPosition(50_000);
      await player.stop();
      assert.equal(player.state, 'stopped');
      assert.equal(player.snapshot.queueIndex, 1);
      assert.equal(player.snapshot.positionMs, 0);
      assert.equal(engine.state, 'idle');
      await player.play();
      assert.deepEqual(engine.loadedUris, ['/music/t1.flac', '/music/t1.flac']);
      assert.match(engine.calls.at(-2) ?? engine.calls.join(), /@0 autoplay/);
    });

    it('seeks absolutely and relatively, clamped to [0, duration]', async () => {
      const { player, engine } = rig();
      player.add(tracks(1));
      await player.play();
      await player.seek(-500);
      assert.equal(player.snapshot.positionMs, 0);
      await player.seek(10_000_000);
      assert.equal(player.snapshot.positionMs, 180_000);
      await player.seek(60_000);
      await player.pause();
      await player.seekBy(15_000);
      assert.equal(player.snapshot.positionMs, 75_000);
      await player.seekBy(-100_000);
      assert.equal(player.snapshot.positionMs, 0);
      assert.deepEqual(
        engine.calls.filter((c) => c.startsWith('seek')),
        ['seek 0', 'seek 180000', 'seek 60000', 'seek 75000', 'seek 0'],
      );
      const bad = await player.seek(Number.NaN);
      assert.equal(!bad.ok && bad.reason, 'out-of-range');
    });

    it('refuses to seek a live stream', async () => {
      const { player, engine } = rig();
      engine.durations.set('http://radio/stream', null);
      player.add([{ uri: 'http://radio/stream' }]);
      await player.play();
      const result = await player.seek(1000);
      assert.equal(!result.ok && result.reason, 'not-seekable');
    });

    it('estimates the position between reports while playing (for relative seeks)', async () => {
      const { player, engine, time } = rig();
      player.add(tracks(1));
      await player.play();
      engine.reportPosition(10_000);
      time.advance(2_000);
      await player.seekBy(10_000);
      assert.equal(player.snapshot.positionMs, 22_000);
    });
  });

  describe('next and previous', () => {
    it('next moves on; at the end of the queue it is rejected', async () => {
      const { player, engine } = rig();
      player.add(tracks(2));
      await player.play();
      assert.deepEqual(await player.next(), { ok: true });
      assert.equal(player.snapshot.queueIndex, 1);
      const result = await player.next();
      assert.equal(!result.ok && result.reason, 'no-next');
      assert.equal(player.snapshot.queueIndex, 1);
      assert.deepEqual(engine.loadedUris, ['/music/t0.flac', '/music/t1.flac']);
    });

    it('previous restarts the track when more than 3 s in, else goes back', async () => {
      const { player, engine } = rig();
      player.add(tracks(3));
      await player.playAt(1);
      engine.reportPosition(3_500);
      await player.previous();
      assert.equal(player.snapshot.queueIndex, 1, 'restarted, not moved');
      assert.equal(player.snapshot.positionMs, 0);
      assert.equal(engine.calls.at(-1), 'seek 0');
      engine.reportPosition(2_000);
      await player.previous();
      assert.equal(player.snapshot.queueIndex, 0);
      assert.equal(engine.current?.uri, '/music/t0.flac');
      // At the first track, previous restarts it.
      engine.reportPosition(1_000);
      assert.deepEqual(await player.previous(), { ok: true });
      assert.equal(player.snapshot.queueIndex, 0);
      assert.equal(player.snapshot.positionMs, 0);
    });

    it('keeps the transport state: paused stays paused, stopped only moves the cursor', async () => {
      const { player, engine } = rig();
      player.add(tracks(3));
      await player.play();
      await player.pause();
      await player.next();
      assert.equal(player.state, 'paused');
      assert.equal(engine.state, 'paused');
      assert.match(engine.calls.filter((c) => c.startsWith('load')).at(-1)!, /t1\.flac @0$/);
      await player.stop();
      const loads = engine.loadedUris.length;
      await player.next();
      assert.equal(player.state, 'stopped');
      assert.equal(player.snapshot.queueIndex, 2);
      assert.equal(engine.loadedUris.length, loads);
      await player.previous();
      assert.equal(player.snapshot.queueIndex, 1);
    });

    it('playAt validates the index', async () => {
      const { player } = rig();
      player.add(tracks(2));
      const result = await player.playAt(5);
      assert.equal(!result.ok && result.reason, 'out-of-range');
      assert.equal(player.state, 'stopped');
    });
  });

  describe('auto-advance, repeat and stop-after-current', () => {
    it('moves to the preloaded track gaplessly and preloads the one after', async () => {
      const { player, engine } = rig();
      const causes: string[] = [];
      player.onDidChangeState((c) => causes.push(c.cause));
      player.add(tracks(3));
      await player.play();
      engine.finishTrack();
      await player.whenEngineIdle();
      assert.equal(player.snapshot.queueIndex, 1);
      assert.equal(player.state, 'playing');
      assert.deepEqual(engine.loadedUris, ['/music/t0.flac'], 'no reload: the engine switched by itself');
      assert.equal(engine.preloadedUri(), '/music/t2.flac');
      engine.finishTrack();
      await player.whenEngineIdle();
      assert.equal(player.snapshot.queueIndex, 2);
      assert.equal(engine.preloadedUri(), undefined);
      engine.finishTrack();
      await player.whenEngineIdle();
      assert.equal(player.state, 'stopped');
      assert.equal(player.snapshot.queueIndex, -1);
      assert.deepEqual(causes, ['play', 'end-of-queue'], 'the CLI exits on end-of-queue');
      assert.deepEqual(
        player.history.map((h) => h.track.uri),
        ['/music/t2.flac', '/music/t1.flac', '/music/t0.flac'],
        'history is newest first',
      );
    });

    it('loads the next track when the engine ended without a preload', async () => {
      const { player, engine } = rig();
      player.add(tracks(2));
      await player.play();
      engine.preloaded = undefined; // as if the preload was lost
      engine.finishTrack();
      await player.whenEngineIdle();
      assert.equal(player.snapshot.queueIndex, 1);
      assert.deepEqual(engine.loadedUris, ['/music/t0.flac', '/music/t1.flac']);
    });

    it('repeat one replays the track, but Next still moves on', async () => {
      const { player, engine } = rig();
      player.add(tracks(2));
      player.setRepeat('one');
      await player.play();
      await player.whenEngineIdle();
      assert.equal(engine.preloadedUri(), '/music/t0.flac');
      engine.finishTrack();
      await player.whenEngineIdle();
      assert.equal(player.snapshot.queueIndex, 0);
      assert.equal(engine.preloadedUri(), '/music/t0.flac');
      await player.next();
      assert.equal(player.snapshot.queueIndex, 1);
    });

    it('repeat all wraps from the last track to the first', async () => {
      const { player, engine } = rig();
      player.add(tracks(2));
      player.setRepeat('all');
      await player.playAt(1);
      await player.whenEngineIdle();
      assert.equal(engine.preloadedUri(), '/music/t0.flac');
      engine.finishTrack();
      await player.whenEngineIdle();
      assert.equal(player.snapshot.queueIndex, 0);
      assert.equal(player.state, 'playing');
      assert.deepEqual(await player.previous(), { ok: true });
      assert.equal(player.snapshot.queueIndex, 1, 'previous wraps too');
    });

    it('changing repeat re-preloads what follows', async () => {
      const { player, engine } = rig();
      player.add(tracks(2));
      await player.playAt(1);
      await player.whenEngineIdle();
      assert.equal(engine.preloadedUri(), undefined);
      player.setRepeat('all');
      await player.whenEngineIdle();
      assert.equal(engine.preloadedUri(), '/music/t0.flac');
      player.setRepeat('off');
      await player.whenEngineIdle();
      assert.equal(engine.preloadedUri(), undefined);
      assert.equal(engine.calls.at(-1), 'preload none');
    });

    it('stop after current: nothing preloaded, stops at the end, then Play continues with the next', async () => {
      const { player, engine } = rig();
      player.add(tracks(3));
      await player.play();
      await player.whenEngineIdle();
      player.setStopAfterCurrent(true);
      await player.whenEngineIdle();
      assert.equal(player.snapshot.stopAfterCurrent, true);
      assert.equal(engine.preloadedUri(), undefined);
      engine.finishTrack();
      await player.whenEngineIdle();
      assert.equal(player.state, 'stopped');
      assert.equal(player.snapshot.stopAfterCurrent, false, 'one-shot');
      assert.equal(player.snapshot.queueIndex, 1);
      await player.play();
      assert.equal(engine.current?.uri, '/music/t1.flac');
      assert.equal(engine.preloadedUri(), '/music/t2.flac');
    });
  });

  describe('errors', () => {
    it('skips a track that fails to load, with the error in the snapshot', async () => {
      const { player, engine, logs } = rig();
      engine.failingUris.add('/music/t1.flac');
      player.add(tracks(3));
      await player.playAt(1);
      await player.whenEngineIdle();
      assert.equal(player.state, 'playing');
      assert.equal(player.snapshot.queueIndex, 2);
      assert.equal(engine.current?.uri, '/music/t2.flac');
      assert.match(player.snapshot.error?.message ?? '', /Skipped T 1: cannot decode/);
      assert.equal(player.snapshot.error?.trackUri, '/music/t1.flac');
      assert.ok(logs.some((l) => /Skipping \/music\/t1\.flac/.test(l)));
    });

    it('skips when the engine gives up on the playing track', async () => {
      const { player, engine } = rig();
      player.add(tracks(3));
      await player.play();
      engine.failCurrent('bad frame');
      await player.whenEngineIdle();
      assert.equal(player.snapshot.queueIndex, 1);
      assert.equal(engine.current?.uri, '/music/t1.flac');
      assert.match(player.snapshot.error?.message ?? '', /bad frame/);
      assert.equal(player.snapshot.error?.kind, 'decode');
    });

    it('a broken preload is only logged; the track is skipped with an error when its turn comes', async () => {
      const { player, engine, logs } = rig();
      engine.failingUris.add('/music/t1.flac');
      player.add(tracks(3));
      await player.play();
      await player.whenEngineIdle();
      assert.equal(player.snapshot.error?.message, undefined, 'preloading is not playing: no error yet');
      assert.ok(logs.some((l) => /Preloading \/music\/t1\.flac failed/.test(l)));
      const preloads = engine.calls.filter((c) => c.startsWith('preload')).length;
      await player.setVolume(0.5);
      assert.equal(engine.calls.filter((c) => c.startsWith('preload')).length, preloads, 'no retry loop');
      engine.finishTrack(); // nothing preloaded: t0 ends
      await player.whenEngineIdle();
      assert.equal(player.snapshot.queueIndex, 2);
      assert.equal(player.state, 'playing');
      assert.match(player.snapshot.error?.message ?? '', /Skipped T 1/);
    });

    it('never preloads before the engine has the current track', async () => {
      const { player, engine } = rig();
      player.add(tracks(3));
      const play = player.play(); // the add's preload sync is still queued
      await play;
      await player.whenEngineIdle();
      assert.deepEqual(engine.violations, []);
      assert.ok(engine.calls.findIndex((c) => c.startsWith('load')) < engine.calls.findIndex((c) => c.startsWith('preload')));
    });

    it('a non-fatal error is shown but playback goes on', async () => {
      const { player, engine } = rig();
      player.add(tracks(2));
      await player.play();
      engine.emitError({ trackId: engine.current!.id, kind: 'source', message: 'slow disk', fatalForTrack: false });
      assert.equal(player.state, 'playing');
      assert.equal(player.snapshot.queueIndex, 0);
      assert.equal(player.snapshot.error?.message, 'slow disk');
    });

    for (const repeat of ['off', 'all', 'one'] as const) {
      it(`a queue where every track fails ends stopped with an error (repeat ${repeat})`, async () => {
        const { player, engine } = rig();
        const queue = tracks(4);
        for (const t of queue) {
          engine.failingUris.add(t.uri);
        }
        player.add(queue);
        player.setRepeat(repeat);
        player.setShuffle(repeat === 'all');
        const causes: string[] = [];
        player.onDidChangeState((c) => causes.push(c.cause));
        await player.play();
        await player.whenEngineIdle();
        assert.equal(player.state, 'stopped');
        assert.equal(engine.loadedUris.length, 4, 'each track tried once, no loop');
        assert.equal(new Set(engine.loadedUris).size, 4);
        assert.match(player.snapshot.error?.message ?? '', /None of the 4 tracks/);
        assert.equal(causes.at(-1), 'all-failed');
      });
    }

    it('tracks that end as soon as they start cannot make repeat spin forever', async () => {
      const { player, engine, time } = rig();
      engine.defaultDurationMs = 0;
      player.add(tracks(3));
      player.setRepeat('all');
      await player.play();
      let ends = 0;
      while (player.state !== 'stopped' && ends < 100) {
        await player.whenEngineIdle();
        engine.finishTrack();
        ends++;
      }
      assert.equal(player.state, 'stopped');
      assert.equal(ends, 4, 'every track once, plus one');
      assert.match(player.snapshot.error?.message ?? '', /end as soon as they start/);

      // Real tracks (time passes while they play) repeat without limit.
      engine.defaultDurationMs = 180_000;
      await player.play();
      for (let i = 0; i < 10; i++) {
        await player.whenEngineIdle();
        time.advance(1_000);
        engine.finishTrack();
      }
      await player.whenEngineIdle();
      assert.equal(player.state, 'playing');
    });

    it('ignores events about tracks it has moved away from', async () => {
      const { player, engine } = rig();
      player.add(tracks(3));
      await player.play();
      const old = engine.current!;
      await player.next();
      const before = player.snapshot;
      engine.emitEnded(old.id);
      engine.emitError({ trackId: old.id, kind: 'decode', message: 'late', fatalForTrack: true });
      engine.emitPosition({ trackId: old.id, positionMs: 99_000, at: 0, playing: true });
      engine.emitStarted({ id: 'q99@99', uri: '/elsewhere.flac' });
      await player.whenEngineIdle();
      assert.equal(player.snapshot, before);
    });
  });

  describe('buffering', () => {
    it('enters Buffering when the engine starves and leaves it by itself', async () => {
      const { player, engine } = rig();
      const changes: StateChange[] = [];
      player.onDidChangeState((c) => changes.push(c));
      player.add(tracks(1));
      await player.play();
      engine.starve();
      assert.equal(player.state, 'buffering');
      engine.recover();
      assert.equal(player.state, 'playing');
      engine.starve();
      await player.pause();
      assert.equal(player.state, 'paused');
      engine.starve(); // late report while paused
      assert.equal(player.state, 'paused');
      assert.deepEqual(
        changes.map((c) => `${c.from}>${c.to}:${c.cause}`),
        [
          'stopped>playing:play',
          'playing>buffering:engine-starved',
          'buffering>playing:engine-recovered',
          'playing>buffering:engine-starved',
          'buffering>paused:pause',
        ],
      );
    });
  });

  describe('streams', () => {
    it('shows the current stream\'s ICY title, drops stale ones, and forgets it when the track changes', async () => {
      const { player, engine } = rig();
      player.add(tracks(2));
      await player.play();
      assert.equal(player.snapshot.streamTitle, undefined);
      engine.emitStreamTitle('Artist - First');
      assert.equal(player.snapshot.streamTitle, 'Artist - First');
      const first = engine.current!.id;
      engine.emitStreamTitle('Artist - Second');
      assert.equal(player.snapshot.streamTitle, 'Artist - Second');
      await player.next();
      await player.whenEngineIdle();
      assert.equal(player.snapshot.streamTitle, undefined);
      engine.emitStreamTitle('Late', first);
      assert.equal(player.snapshot.streamTitle, undefined);
      await player.stop();
      assert.equal(player.snapshot.streamTitle, undefined);
    });

    it('a title the preloaded stream sent before it was heard comes with it', async () => {
      const { player, engine } = rig();
      player.add(tracks(2));
      await player.play();
      await player.whenEngineIdle();
      engine.emitStreamTitle('Up next', engine.preloaded!.id);
      assert.equal(player.snapshot.streamTitle, undefined);
      engine.finishTrack();
      await player.whenEngineIdle();
      assert.equal(player.snapshot.queueIndex, 1);
      assert.equal(player.snapshot.streamTitle, 'Up next');
    });

    it('reports buffering progress only while Buffering', async () => {
      const { player, engine } = rig();
      player.add(tracks(1));
      await player.play();
      assert.equal(player.snapshot.bufferingProgress, undefined);
      engine.emitBuffering(0.5); // not starved: ignored
      engine.starve();
      assert.equal(player.snapshot.bufferingProgress, 0);
      engine.emitBuffering(0.4);
      assert.equal(player.snapshot.bufferingProgress, 0.4);
      engine.recover();
      assert.equal(player.snapshot.bufferingProgress, undefined);
      engine.starve();
      assert.equal(player.snapshot.bufferingProgress, 0, 'a new starvation starts from 0');
    });
  });

  describe('queue edits', () => {
    it('keeps the current track current through insert, move and remove', async () => {
      const { player } = rig();
      player.add(tracks(4));
      await player.playAt(2);
      const current = player.snapshot.track;
      player.insertNext([{ uri: '/music/next.flac' }]);
      assert.equal(player.getQueue()[3]!.track.uri, '/music/next.flac');
      player.remove([0]);
      assert.equal(player.snapshot.track, current);
      assert.equal(player.snapshot.queueIndex, 1);
      assert.deepEqual(player.move(1, 3), { ok: true });
      assert.equal(player.snapshot.queueIndex, 3);
      player.move(0, 3);
      assert.equal(player.snapshot.queueIndex, 2);
      assert.equal(player.snapshot.track, current);
      const bad = player.move(0, 9);
      assert.equal(!bad.ok && bad.reason, 'out-of-range');
    });

    it('insertAt places tracks at an index (clamped) and keeps the current track', async () => {
      const { player } = rig();
      player.add(tracks(3));
      await player.playAt(1);
      player.insertAt(0, [{ uri: '/music/front.flac' }]);
      assert.equal(player.snapshot.queueIndex, 2);
      player.insertAt(99, [{ uri: '/music/end.flac' }]);
      assert.deepEqual(
        player.getQueue().map((i) => i.track.uri),
        ['/music/front.flac', '/music/t0.flac', '/music/t1.flac', '/music/t2.flac', '/music/end.flac'],
      );
      assert.equal(player.snapshot.track?.uri, '/music/t1.flac');
    });

    it('removing the playing track plays what followed it; removing the last one stops', async () => {
      const { player, engine } = rig();
      player.add(tracks(3));
      await player.playAt(1);
      player.remove([1]);
      await player.whenEngineIdle();
      assert.equal(player.state, 'playing');
      assert.equal(player.snapshot.track?.uri, '/music/t2.flac');
      assert.equal(engine.current?.uri, '/music/t2.flac');
      player.remove([1]);
      await player.whenEngineIdle();
      assert.equal(player.state, 'stopped');
      assert.equal(player.snapshot.queueIndex, -1);
      assert.equal(engine.state, 'idle');
    });

    it('re-preloads when an edit changes what follows', async () => {
      const { player, engine } = rig();
      player.add(tracks(3));
      await player.play();
      await player.whenEngineIdle();
      player.insertNext([{ uri: '/music/jump.flac' }]);
      await player.whenEngineIdle();
      assert.equal(engine.preloadedUri(), '/music/jump.flac');
      engine.finishTrack();
      await player.whenEngineIdle();
      assert.equal(player.snapshot.track?.uri, '/music/jump.flac');
    });

    it('adopts a preload the engine switched to just before it was replaced', async () => {
      const { player, engine } = rig();
      player.add(tracks(3));
      await player.play();
      await player.whenEngineIdle();
      const oldPreload = engine.preloaded!;
      player.move(2, 1); // t2 now follows; the engine gets a new preload...
      await player.whenEngineIdle();
      engine.emitStarted(oldPreload); // ...but it had already moved to t1
      await player.whenEngineIdle();
      assert.equal(player.snapshot.track?.uri, '/music/t1.flac');
    });

    it('clear empties the queue and stops; events report the queue version', async () => {
      const { player, engine } = rig();
      const versions: number[] = [];
      player.onDidChangeQueue((c) => versions.push(c.version));
      player.add(tracks(2));
      await player.play();
      player.clear();
      await player.whenEngineIdle();
      assert.equal(player.state, 'stopped');
      assert.equal(player.snapshot.queueLength, 0);
      assert.equal(player.snapshot.track, undefined);
      assert.equal(engine.state, 'idle');
      assert.equal(versions.length, 2);
      assert.ok(versions[1]! > versions[0]!);
      assert.equal(player.snapshot.queueVersion, versions[1]);
    });

    it('queues clean, frozen copies of tracks and drops malformed ones', () => {
      const { player, logs } = rig();
      const track = { uri: '/music/a.flac', title: 'A', extra: 'not a Track field' } as unknown as { uri: string; title: string };
      const items = player.add([track, { title: 'no uri' } as unknown as { uri: string }]);
      assert.equal(items.length, 1);
      assert.deepEqual(items[0]!.track, { uri: '/music/a.flac', title: 'A' });
      assert.ok(Object.isFrozen(items[0]!.track));
      track.title = 'changed later';
      assert.equal(player.getQueue()[0]!.track.title, 'A');
      assert.ok(logs.some((l) => /1 malformed track/.test(l)));
    });

    it('replaceAndPlay swaps the queue and plays from the index', async () => {
      const { player, engine } = rig();
      player.add(tracks(2, 'old'));
      await player.play();
      await player.replaceAndPlay(tracks(3, 'new'), 1);
      assert.equal(player.snapshot.queueLength, 3);
      assert.equal(engine.current?.uri, '/music/new1.flac');
    });
  });

  describe('shuffle', () => {
    it('plays every track once per cycle and restores queue order when turned off', async () => {
      const { player, engine } = rig();
      player.add(tracks(6));
      await player.play();
      player.setShuffle(true);
      const seen = [player.snapshot.track!.uri];
      for (let i = 0; i < 5; i++) {
        await player.whenEngineIdle();
        engine.finishTrack();
      }
      await player.whenEngineIdle();
      seen.push(...player.history.slice(0, 5).map((h) => h.track.uri).reverse());
      assert.equal(new Set(seen).size, 6, `every track once: ${seen.join(', ')}`);
      // Turning shuffle off continues in queue order from the current track.
      player.setShuffle(false);
      const index = player.snapshot.queueIndex;
      const result = await player.next();
      if (index === 5) {
        assert.equal(!result.ok && result.reason, 'no-next');
      } else {
        assert.equal(player.snapshot.queueIndex, index + 1);
      }
      assert.deepEqual(
        player.getQueue().map((i) => i.track.uri),
        tracks(6).map((t) => t.uri),
        'the queue itself was never reordered',
      );
    });
  });

  describe('shuffle and queue edits', () => {
    it('"Play Next" plays next even with shuffle on', async () => {
      const { player, engine } = rig();
      player.add(tracks(6));
      player.setShuffle(true);
      await player.play();
      player.insertNext([{ uri: '/music/now.flac' }]);
      await player.whenEngineIdle();
      assert.equal(engine.preloadedUri(), '/music/now.flac');
      engine.finishTrack();
      await player.whenEngineIdle();
      assert.equal(player.snapshot.track?.uri, '/music/now.flac');
    });

    it('removing the playing track with shuffle on goes to the next of the cycle', async () => {
      const { player, engine } = rig();
      player.add(tracks(6));
      player.setShuffle(true);
      await player.play();
      await player.whenEngineIdle();
      const following = player.peekNext()!;
      player.remove([player.snapshot.queueIndex]);
      await player.whenEngineIdle();
      assert.equal(player.snapshot.track, following.track);
      assert.equal(engine.current?.uri, following.track.uri);
      assert.equal(player.state, 'playing');
    });

    it('turning shuffle on keeps the current track and draws the rest', async () => {
      const { player } = rig();
      player.add(tracks(5));
      await player.playAt(3);
      player.setShuffle(true);
      assert.equal(player.snapshot.queueIndex, 3);
      const upcoming = new Set<string>();
      for (let i = 0; i < 4; i++) {
        await player.next();
        upcoming.add(player.snapshot.track!.uri);
      }
      assert.equal(upcoming.size, 4);
      assert.ok(!upcoming.has('/music/t3.flac'));
      const result = await player.next();
      assert.equal(!result.ok && result.reason, 'no-next', 'repeat off: one cycle only');
    });
  });

  describe('volume and mute', () => {
    it('clamps the volume and sends 0 while muted', async () => {
      const { player, engine } = rig();
      await player.setVolume(1.7);
      assert.equal(player.snapshot.volume, 1);
      await player.setVolume(0.4);
      await player.setMuted(true);
      assert.equal(engine.volume, 0);
      assert.equal(player.snapshot.volume, 0.4);
      assert.equal(player.snapshot.muted, true);
      await player.toggleMute();
      assert.equal(engine.volume, 0.4);
      const bad = await player.setVolume(Number.POSITIVE_INFINITY);
      assert.equal(!bad.ok && bad.reason, 'out-of-range');
    });
  });

  describe('snapshot and lifetime', () => {
    it('the snapshot version increases with every published change', async () => {
      const { player, engine } = rig();
      const seen: PlayerSnapshot[] = [];
      player.onDidChangeSnapshot((s) => seen.push(s));
      player.add(tracks(3));
      await player.play();
      engine.reportPosition(1000);
      await player.setVolume(0.5);
      engine.finishTrack();
      await player.whenEngineIdle();
      assert.ok(seen.length > 4);
      for (let i = 1; i < seen.length; i++) {
        assert.ok(seen[i]!.version > seen[i - 1]!.version);
      }
      assert.equal(seen.at(-1), player.snapshot);
      assert.ok(Object.isFrozen(player.snapshot));
    });

    it('position reports update the snapshot with their timestamp', async () => {
      const { player, engine, time } = rig();
      player.add(tracks(1));
      await player.play();
      time.advance(500);
      engine.reportPosition(1234);
      assert.equal(player.snapshot.positionMs, 1234);
      assert.equal(player.snapshot.positionAt, time.now());
    });

    it('dispose leaves no listener on the engine and no timer behind', async () => {
      const { player, engine, time } = rig();
      assert.equal(engine.listenerCount, 7, 'one per engine event, the stream title and buffering included');
      player.add(tracks(2));
      await player.play();
      engine.reportPosition(1000); // schedules a throttled save
      assert.ok(time.pendingCount > 0);
      const listener = player.onDidChangeSnapshot(() => undefined);
      player.dispose();
      listener.dispose();
      assert.equal(engine.listenerCount, 0);
      assert.equal(time.pendingCount, 0);
      assert.equal(engine.disposed, false, 'the player does not own the engine');
      const result = await player.play();
      assert.equal(!result.ok && result.reason, 'disposed');
      await settle();
    });
  });
});
