import * as assert from 'node:assert/strict';
import { storageKeys } from '../../../src/player/persistence';
import { MemoryStateStore, StateStore } from '../../../src/player/store';
import { ManualTime, settle } from './fake-engine';
import { rig, tracks } from './helpers';

/** Counts writes per key, to check what is saved when. */
class CountingStore extends MemoryStateStore {
  readonly writes = new Map<string, number>();

  override update(key: string, value: unknown): Promise<void> {
    this.writes.set(key, (this.writes.get(key) ?? 0) + 1);
    return super.update(key, value);
  }
}

describe('Player persistence', () => {
  it('a new player on the same store resumes the queue paused at the same place', async () => {
    const store = new MemoryStateStore();
    const first = rig({ store });
    first.player.add(tracks(5));
    first.player.setRepeat('all');
    await first.player.setVolume(0.3);
    await first.player.playAt(2);
    first.engine.reportPosition(42_000);
    await first.player.pause();
    await first.player.flush();
    const queueBefore = first.player.getQueue();
    first.player.dispose();

    const second = rig({ store });
    const s = second.player.snapshot;
    assert.equal(s.state, 'paused');
    assert.equal(s.queueIndex, 2);
    assert.equal(s.track?.uri, '/music/t2.flac');
    assert.equal(s.positionMs, 42_000);
    assert.equal(s.durationMs, 180_000);
    assert.equal(s.volume, 0.3);
    assert.equal(s.repeat, 'all');
    assert.deepEqual(second.player.getQueue(), queueBefore);
    assert.deepEqual(second.engine.loadedUris, [], 'nothing loaded until Play');

    // Seeking while restored-paused only moves the saved position.
    await second.player.seek(40_000);
    await second.player.play();
    assert.equal(second.player.state, 'playing');
    assert.match(second.engine.calls.find((c) => c.startsWith('load'))!, /t2\.flac @40000 autoplay$/);
    // New items get ids that do not collide with restored ones.
    const added = second.player.add(tracks(1, 'x'));
    assert.ok(!queueBefore.some((item) => item.id === added[0]!.id));
  });

  it('saves while playing without a pause (dispose flushes), and keeps shuffle and its cycle', async () => {
    const store = new MemoryStateStore();
    const first = rig({ store });
    first.player.add(tracks(8));
    await first.player.play();
    first.player.setShuffle(true);
    await first.player.next();
    await first.player.next();
    first.engine.reportPosition(7_000);
    const current = first.player.snapshot.track;
    const queue = first.player.getQueue();
    first.player.dispose();
    await first.player.flush();

    const second = rig({ store });
    assert.equal(second.player.snapshot.shuffle, true);
    assert.deepEqual(second.logs, [], 'the saved shuffle cycle fits');
    assert.deepEqual(second.player.snapshot.track, current);
    assert.equal(second.player.snapshot.positionMs, 7_000);
    assert.equal(second.player.state, 'paused');
    assert.deepEqual(second.player.getQueue(), queue);
    // The restored cycle still plays every track once: 3 played, 5 to go, then the end.
    await second.player.play();
    const played = new Set(second.player.history.slice(0, 1).map((h) => h.track.uri));
    for (let i = 0; i < 5; i++) {
      await second.player.whenEngineIdle();
      second.engine.finishTrack();
    }
    await second.player.whenEngineIdle();
    for (const h of second.player.history.slice(0, 5)) {
      played.add(h.track.uri);
    }
    const firstPlayed = first.player.history.map((h) => h.track.uri);
    for (const uri of firstPlayed) {
      played.add(uri);
    }
    assert.equal(played.size, 8);
  });

  it('dispose saves the position of a playing track (no pause needed)', async () => {
    const store = new MemoryStateStore();
    const first = rig({ store });
    first.player.add(tracks(2));
    await first.player.playAt(1);
    first.engine.reportPosition(30_000);
    first.time.advance(1_500); // still playing: the saved position includes the time since
    first.player.dispose();
    await first.player.flush();
    const second = rig({ store });
    assert.equal(second.player.snapshot.queueIndex, 1);
    assert.equal(second.player.snapshot.positionMs, 31_500);
    assert.equal(second.player.state, 'paused');
  });

  it('saves the position with a throttle, not on every report, and at once on pause', async () => {
    const store = new CountingStore();
    const time = new ManualTime();
    const { player, engine } = rig({ store, time, positionSaveIntervalMs: 5_000 });
    player.add(tracks(1));
    await player.play();
    time.advance(1_000);
    const before = store.writes.get(storageKeys.position) ?? 0;
    for (let ms = 0; ms < 20_000; ms += 100) {
      engine.reportPosition(ms);
      time.advance(100);
    }
    await settle();
    const during = (store.writes.get(storageKeys.position) ?? 0) - before;
    assert.ok(during >= 3 && during <= 5, `4 saves in 20 s of 200 reports, got ${during}`);
    assert.equal(store.writes.get(storageKeys.session), 1, 'the queue is not rewritten with the position');
    await player.pause();
    time.advance(0);
    await player.flush();
    assert.equal(store.get<{ positionMs: number }>(storageKeys.position)?.positionMs, 19_900);
  });

  it('ignores corrupt stored state with a log line instead of throwing', () => {
    for (const garbage of [42, 'x', null, [], { format: 1, queue: 'no' }, { format: 99, queue: [] }]) {
      const store = new MemoryStateStore();
      store.setRaw(storageKeys.session, garbage);
      store.setRaw(storageKeys.history, { not: 'a list' });
      store.setRaw(storageKeys.favorites, 7);
      store.setRaw(storageKeys.position, 'soon');
      const { player, logs } = rig({ store });
      assert.equal(player.state, 'stopped');
      assert.equal(player.snapshot.queueLength, 0);
      if (garbage !== null) {
        assert.ok(logs.some((l) => /Ignoring stored player session/.test(l)), `${JSON.stringify(garbage)}: ${logs.join('|')}`);
      }
      assert.ok(logs.some((l) => /Ignoring stored play history/.test(l)));
      assert.ok(logs.some((l) => /Ignoring stored favorites/.test(l)));
      player.dispose();
    }
  });

  it('a store whose get throws counts as empty', () => {
    const store: StateStore = {
      get() {
        throw new Error('database is locked');
      },
      update: () => Promise.resolve(),
    };
    const { player, logs } = rig({ store });
    assert.equal(player.state, 'stopped');
    assert.ok(logs.some((l) => /database is locked/.test(l)));
  });

  it('drops malformed queue items but keeps the rest and the right current track', () => {
    const store = new MemoryStateStore();
    store.setRaw(storageKeys.session, {
      format: 1,
      queue: [
        { id: 'q1', track: { uri: '/a.flac' } },
        { id: 'q2', track: { title: 'no uri' } },
        { id: 'q3', track: { uri: '/c.flac', durationMs: 'long' } },
        { id: 'q4', track: { uri: '/d.flac', durationMs: 100_000 } },
        { id: 'q4', track: { uri: '/dup.flac' } },
      ],
      currentIndex: 3,
      volume: 7,
      muted: 'yes',
      shuffle: false,
      repeat: 'sometimes',
    });
    store.setRaw(storageKeys.position, { itemId: 'q4', positionMs: 999_999 });
    const { player, logs } = rig({ store });
    assert.deepEqual(
      player.getQueue().map((i) => i.track.uri),
      ['/a.flac', '/d.flac'],
    );
    assert.equal(player.snapshot.queueIndex, 1);
    assert.equal(player.state, 'paused');
    assert.equal(player.snapshot.positionMs, 100_000, 'clamped to the duration');
    assert.equal(player.snapshot.volume, 1);
    assert.equal(player.snapshot.muted, false);
    assert.equal(player.snapshot.repeat, 'off');
    assert.ok(logs.some((l) => /3 malformed item/.test(l)));
  });

  it('a position saved for another item is not applied', () => {
    const store = new MemoryStateStore();
    store.setRaw(storageKeys.session, { format: 1, queue: [{ id: 'q1', track: { uri: '/a.flac' } }], currentIndex: 0, volume: 1 });
    store.setRaw(storageKeys.position, { itemId: 'q9', positionMs: 5_000 });
    const { player } = rig({ store });
    assert.equal(player.state, 'paused');
    assert.equal(player.snapshot.positionMs, 0);
  });

  it('keeps a bounded play history, newest first, across reloads', async () => {
    const store = new MemoryStateStore();
    const first = rig({ store, historyLimit: 3 });
    first.player.add(tracks(5));
    for (let i = 0; i < 5; i++) {
      await first.player.playAt(i);
    }
    assert.deepEqual(
      first.player.history.map((h) => h.track.uri),
      ['/music/t4.flac', '/music/t3.flac', '/music/t2.flac'],
    );
    await first.player.flush();
    const second = rig({ store, historyLimit: 3 });
    assert.deepEqual(second.player.history, first.player.history);
    second.player.clearHistory();
    assert.deepEqual(second.player.history, []);
  });

  it('keeps favorites by uri across reloads', async () => {
    const store = new MemoryStateStore();
    const first = rig({ store });
    let changes = 0;
    first.player.onDidChangeFavorites(() => changes++);
    first.player.add(tracks(2));
    await first.player.play();
    assert.equal(first.player.toggleFavorite(), true);
    first.player.setFavorite({ uri: '/music/t0.flac' }, true); // same uri: no change
    first.player.setFavorite(tracks(2)[1]!, true);
    assert.equal(changes, 2);
    await first.player.flush();
    const second = rig({ store });
    assert.ok(second.player.isFavorite('/music/t0.flac'));
    assert.ok(second.player.isFavorite('/music/t1.flac'));
    assert.equal(second.player.favorites[0]!.title, 'T 0');
    assert.equal(second.player.toggleFavorite(tracks(1)[0]), false);
    assert.ok(!second.player.isFavorite('/music/t0.flac'));
  });

  it('a failing store write is logged, not thrown', async () => {
    const store: StateStore = {
      get: () => undefined,
      update: () => Promise.reject(new Error('disk full')),
    };
    const { player, logs } = rig({ store });
    player.add(tracks(1));
    await player.flush();
    assert.ok(logs.some((l) => /Could not save player state: disk full/.test(l)));
  });
});
