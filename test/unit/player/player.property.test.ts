import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { RepeatMode } from '../../../src/player/play-order';
import type { CommandResult } from '../../../src/player/result';
import type { PlayerSnapshot } from '../../../src/player/snapshot';
import { isAllowedTransition, playerStates } from '../../../src/player/transitions';
import { storageKeys } from '../../../src/player/persistence';
import { MemoryStateStore } from '../../../src/player/store';
import { rig, seededRandom } from './helpers';

/**
 * Random sequences of user commands, queue edits and engine events against a Player on the
 * fake engine. Steps are sometimes awaited and sometimes fired back to back, so engine events
 * also land while earlier engine calls are still queued. After every step the invariants hold;
 * after every settled step the engine agrees with the player.
 */

type Step =
  | { kind: 'play' | 'pause' | 'toggle' | 'stop' | 'next' | 'previous' | 'clear' | 'mute' }
  | { kind: 'seek'; ms: number }
  | { kind: 'seekBy'; ms: number }
  | { kind: 'playAt'; pick: number }
  | { kind: 'volume'; value: number }
  | { kind: 'shuffle'; on: boolean }
  | { kind: 'repeat'; mode: RepeatMode }
  | { kind: 'stopAfterCurrent'; on: boolean }
  | { kind: 'add' | 'insertNext'; count: number; broken: boolean }
  | { kind: 'insertAt'; at: number; count: number }
  | { kind: 'remove'; picks: number[] }
  | { kind: 'move'; from: number; to: number }
  | { kind: 'finish' | 'starve' | 'recover' | 'fail' }
  | { kind: 'position'; ms: number }
  | { kind: 'time'; ms: number };

const simple = (kind: 'play' | 'pause' | 'toggle' | 'stop' | 'next' | 'previous' | 'clear' | 'mute') =>
  fc.constant({ kind });
const engineEvent = (kind: 'finish' | 'starve' | 'recover' | 'fail') => fc.constant({ kind });

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: simple('play') },
  { weight: 2, arbitrary: simple('pause') },
  { weight: 2, arbitrary: simple('toggle') },
  { weight: 1, arbitrary: simple('stop') },
  { weight: 3, arbitrary: simple('next') },
  { weight: 2, arbitrary: simple('previous') },
  { weight: 1, arbitrary: simple('clear') },
  { weight: 1, arbitrary: simple('mute') },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('seek' as const), ms: fc.integer({ min: -10_000, max: 400_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('seekBy' as const), ms: fc.integer({ min: -20_000, max: 20_000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('playAt' as const), pick: fc.integer({ min: -1, max: 12 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('volume' as const), value: fc.double({ min: -1, max: 2, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('shuffle' as const), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), mode: fc.constantFrom<RepeatMode>('off', 'all', 'one') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stopAfterCurrent' as const), on: fc.boolean() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom('add' as const, 'insertNext' as const),
      count: fc.integer({ min: 1, max: 3 }),
      broken: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('insertAt' as const), at: fc.integer({ min: -2, max: 10 }), count: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), picks: fc.array(fc.nat(), { minLength: 1, maxLength: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('move' as const), from: fc.nat(), to: fc.nat() }) },
  { weight: 4, arbitrary: engineEvent('finish') },
  { weight: 1, arbitrary: engineEvent('starve') },
  { weight: 1, arbitrary: engineEvent('recover') },
  { weight: 1, arbitrary: engineEvent('fail') },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('position' as const), ms: fc.integer({ min: 0, max: 200_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('time' as const), ms: fc.integer({ min: 0, max: 8_000 }) }) },
);

const transportKinds = new Set(['play', 'pause', 'toggle', 'stop', 'next', 'previous', 'seek', 'seekBy', 'playAt']);

describe('Player (property-based)', () => {
  it('keeps its invariants under random commands, edits and engine events', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ step: stepArb, settle: fc.boolean() }), { minLength: 1, maxLength: 40 }),
        fc.integer(),
        fc.option(
          fc.record({
            length: fc.integer({ min: 0, max: 6 }),
            current: fc.integer({ min: -1, max: 6 }),
            positionMs: fc.integer({ min: 0, max: 300_000 }),
            shuffle: fc.boolean(),
            repeat: fc.constantFrom<RepeatMode>('off', 'all', 'one'),
          }),
        ),
        async (steps, seed, saved) => {
          // Half the runs start from a restored session (paused, nothing loaded in the engine yet).
          const store = new MemoryStateStore();
          if (saved) {
            const queue = Array.from({ length: saved.length }, (_, i) => ({
              id: `q${i + 1}`,
              track: { uri: `/saved/${i}.flac`, durationMs: 180_000 },
            }));
            const currentIndex = saved.current < saved.length ? saved.current : -1;
            store.setRaw(storageKeys.session, { format: 1, queue, currentIndex, volume: 0.5, shuffle: saved.shuffle, repeat: saved.repeat });
            store.setRaw(storageKeys.position, { itemId: queue[currentIndex]?.id, positionMs: saved.positionMs });
          }
          const { player, engine, time } = rig({ random: seededRandom(seed), store });
          await player.whenEngineIdle(); // the initial volume call
          let trackSerial = 0;
          let lastVersion = player.snapshot.version;
          const badTransitions: string[] = [];
          // Every published snapshot, not only the last of a step, must be consistent.
          const badSnapshots: string[] = [];
          player.onDidChangeSnapshot((s) => {
            if (s.version <= lastVersion) {
              badSnapshots.push(`version ${s.version} after ${lastVersion}`);
            }
            lastVersion = s.version;
            try {
              checkSnapshot(s, player.getQueue().map((i) => i.track));
            } catch (error) {
              badSnapshots.push(String(error));
            }
          });
          let queueVersion = player.snapshot.queueVersion;
          player.onDidChangeQueue((change) => {
            if (change.version <= queueVersion || change.version !== player.snapshot.queueVersion) {
              badSnapshots.push(`queue version ${change.version} after ${queueVersion}`);
            }
            queueVersion = change.version;
          });
          player.onDidChangeState(({ from, to, cause }) => {
            if (!isAllowedTransition(from, to)) {
              badTransitions.push(`${from}>${to} (${cause})`);
            }
          });

          let idle = true;
          for (const { step, settle } of steps) {
            const before = player.snapshot;
            const callsBefore = engine.calls.length;
            const loadsBefore = engine.loadedUris.length;
            let pending: Promise<CommandResult | void> | CommandResult | undefined;
            switch (step.kind) {
              case 'play':
              case 'pause':
              case 'toggle':
              case 'stop':
              case 'next':
              case 'previous':
                pending = player[step.kind]();
                break;
              case 'clear':
                pending = player.clear();
                break;
              case 'mute':
                pending = player.toggleMute();
                break;
              case 'seek':
                pending = player.seek(step.ms);
                break;
              case 'seekBy':
                pending = player.seekBy(step.ms);
                break;
              case 'playAt':
                pending = player.playAt(step.pick);
                break;
              case 'volume':
                pending = player.setVolume(step.value);
                break;
              case 'shuffle':
                pending = player.setShuffle(step.on);
                break;
              case 'repeat':
                pending = player.setRepeat(step.mode);
                break;
              case 'stopAfterCurrent':
                pending = player.setStopAfterCurrent(step.on);
                break;
              case 'add':
              case 'insertNext': {
                const tracks = Array.from({ length: step.count }, () => {
                  const uri = `/m/${trackSerial++}.flac`;
                  if (step.broken) {
                    engine.failingUris.add(uri);
                  }
                  return { uri, durationMs: 180_000 };
                });
                player[step.kind](tracks);
                break;
              }
              case 'insertAt':
                player.insertAt(
                  step.at,
                  Array.from({ length: step.count }, () => ({ uri: `/m/${trackSerial++}.flac`, durationMs: 180_000 })),
                );
                break;
              case 'remove':
                pending = player.remove(step.picks.map((p) => p % Math.max(1, player.snapshot.queueLength)));
                break;
              case 'move':
                pending = player.move(step.from % 8, step.to % 8);
                break;
              case 'finish':
                // A real engine only reaches a track's end while playing.
                if (engine.current && (engine.state === 'playing' || engine.state === 'starved')) {
                  engine.finishTrack();
                }
                break;
              case 'starve':
                if (engine.current && engine.state === 'playing') {
                  engine.starve();
                }
                break;
              case 'recover':
                if (engine.state === 'starved') {
                  engine.recover();
                }
                break;
              case 'fail':
                if (engine.current) {
                  engine.failCurrent();
                }
                break;
              case 'position':
                if (engine.current) {
                  engine.reportPosition(step.ms);
                }
                break;
              case 'time':
                time.advance(step.ms);
                break;
            }

            // A rejected command changes nothing (checked when nothing else was in flight, so
            // that nothing else could have changed the snapshot meanwhile).
            const result = await pending;
            if (result && !result.ok && idle) {
              assert.equal(player.snapshot, before, `${step.kind} rejected (${result.reason}) but changed the snapshot`);
              assert.equal(engine.calls.length, callsBefore, `${step.kind} rejected but called the engine`);
            }
            if (result && !result.ok) {
              if (transportKinds.has(step.kind) && result.reason === 'invalid-state') {
                assert.ok(!isCommandValid(step.kind, before), `${step.kind} wrongly rejected in ${before.state}`);
              }
            }
            if (settle) {
              await player.whenEngineIdle();
            }
            idle = settle;

            checkSnapshot(player.snapshot, player.getQueue().map((i) => i.track));
            assert.deepEqual(badTransitions, []);
            assert.deepEqual(badSnapshots, []);
            if (settle) {
              checkEngineAgrees(player, engine);
              // Skipping broken tracks is bounded: never more loads than tracks in a step.
              assert.ok(engine.loadedUris.length - loadsBefore <= player.snapshot.queueLength + 4);
            }
          }
          player.dispose();
          assert.equal(engine.listenerCount, 0, 'no engine listener survives dispose');
          assert.equal(time.pendingCount, 0, 'no timer survives dispose');
        },
      ),
      { numRuns: 1500 },
    );
  });
});

function isCommandValid(kind: string, snapshot: PlayerSnapshot): boolean {
  switch (kind) {
    case 'play':
      return snapshot.state === 'stopped' || snapshot.state === 'paused';
    case 'pause':
      return snapshot.state === 'playing' || snapshot.state === 'buffering';
    case 'stop':
    case 'seek':
    case 'seekBy':
      return snapshot.state !== 'stopped';
    default:
      return true;
  }
}

function checkSnapshot(s: PlayerSnapshot, queue: readonly { uri: string }[]): void {
  assert.ok(playerStates.includes(s.state));
  assert.equal(s.queueLength, queue.length);
  assert.ok(s.queueIndex === -1 || (s.queueIndex >= 0 && s.queueIndex < queue.length), `index ${s.queueIndex}`);
  assert.equal(s.track, s.queueIndex === -1 ? undefined : queue[s.queueIndex]);
  if (s.state !== 'stopped') {
    assert.ok(s.track, `${s.state} without a current track`);
  }
  assert.ok(s.volume >= 0 && s.volume <= 1);
  assert.ok(s.positionMs >= 0);
  if (s.durationMs !== undefined) {
    assert.ok(s.positionMs <= Math.max(s.durationMs, 200_000));
  }
}

function checkEngineAgrees(player: ReturnType<typeof rig>['player'], engine: ReturnType<typeof rig>['engine']): void {
  const s = player.snapshot;
  switch (s.state) {
    case 'stopped':
      assert.equal(engine.current, undefined, 'stopped, but the engine still has a track');
      return;
    case 'playing':
    case 'buffering':
      assert.equal(engine.current?.uri, s.track?.uri, `${s.state}: engine has another track`);
      assert.ok(engine.state === 'playing' || engine.state === 'starved', `${s.state}: engine ${engine.state}`);
      break;
    case 'paused':
      if (engine.current === undefined) {
        // Restored after a reload: the track loads on Play. Only then is anything preloaded.
        assert.equal(engine.preloadedUri(), undefined);
        return;
      }
      assert.equal(engine.current.uri, s.track?.uri, 'paused: engine has another track');
      assert.equal(engine.state, 'paused');
      break;
  }
  const next = player.peekNext()?.track.uri;
  const expected = next !== undefined && engine.failingUris.has(next) ? undefined : next;
  assert.equal(engine.preloadedUri(), expected, 'the engine preloads what follows');
  assert.deepEqual(engine.violations, []);
  assert.equal(engine.volume, s.muted ? 0 : s.volume);
}
