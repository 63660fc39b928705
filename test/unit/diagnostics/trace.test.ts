import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { attachEngineTrace, attachPlayerTrace, hostLanes } from '../../../src/diagnostics/player-trace';
import { chromeTraceProblems, Trace, TraceEvent } from '../../../src/diagnostics/trace';
import { LocalEngine } from '../../../src/engine/local-engine';
import { Player } from '../../../src/player/player';
import type { PlayerSnapshot } from '../../../src/player/snapshot';
import { MemoryStateStore } from '../../../src/player/store';
import { counterPcm, writeWavS16 } from '../../support/pcm-signals';
import { waitForSnapshot } from '../../support/snapshot-wait';

describe('Trace', () => {
  it('keeps the newest `capacity` events, oldest first, and counts what it dropped', () => {
    let now = 0;
    const trace = new Trace({ capacity: 3, clockMicros: () => (now += 10) });
    const lane = trace.lane(1, 1, 'main');
    for (let i = 0; i < 5; i++) trace.instant(lane, `e${i}`, 'test');
    assert.deepEqual(trace.events().map((e) => e.name), ['e2', 'e3', 'e4']);
    assert.equal(trace.dropped, 2);
    assert.equal(trace.length, 3);
    trace.clear();
    assert.deepEqual(trace.events(), []);
  });

  it('exports spans, instants, counters and lane metadata as valid Chrome trace JSON', () => {
    let now = 1_000;
    const trace = new Trace({ clockMicros: () => now });
    trace.nameProcess(7, 'host');
    const lane = trace.lane(7, 2, 'commands');
    const span = trace.begin(lane, 'seek', 'command', { value: 5 });
    now += 250;
    trace.instant(lane, 'underrun', 'output');
    now += 250;
    span.end({ ok: true });
    span.end({ ok: false }); // a second end is ignored
    trace.counter(lane, 'pipe', { frames: 4096 });
    const json = JSON.parse(JSON.stringify(trace.toChromeTrace())) as { traceEvents: TraceEvent[]; displayTimeUnit: string };
    assert.deepEqual(chromeTraceProblems(json), []);
    assert.equal(json.displayTimeUnit, 'ms');
    const phases = json.traceEvents.map((e) => `${e.ph}:${e.name}`);
    assert.deepEqual(phases, ['M:process_name', 'M:thread_name', 'X:seek', 'i:underrun', 'C:pipe']);
    const seek = json.traceEvents[2]!;
    assert.equal(seek.ts, 1_000);
    assert.equal(seek.dur, 500);
    assert.deepEqual(seek.args, { value: 5, ok: true });
  });

  it('the validator rejects events missing required fields', () => {
    const problems = chromeTraceProblems({
      traceEvents: [
        { name: 'x', ph: 'X', ts: 1, pid: 1, tid: 1 }, // no dur
        { name: 'c', ph: 'C', ts: 1, pid: 1, tid: 1, args: { n: 'one' } },
        { ph: 'i', ts: -1, pid: 1.5, tid: 1 },
      ],
    });
    assert.ok(problems.some((p) => p.startsWith('0:') && p.includes('dur')));
    assert.ok(problems.some((p) => p.startsWith('1:') && p.includes('numeric')));
    assert.ok(problems.filter((p) => p.startsWith('2:')).length >= 3);
  });
});

describe('attachPlayerTrace on a real Player and LocalEngine (null sink)', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-trace-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function waitFor(player: Player, predicate: (s: PlayerSnapshot) => boolean): Promise<void> {
    if (!predicate(player.snapshot)) await waitForSnapshot(player, predicate);
  }

  it('shows a scripted session: its state transitions in order, its commands and engine calls', async () => {
    const files = [0, 1].map((i) => {
      const file = path.join(dir, `t${i}.wav`);
      writeWavS16(file, counterPcm(i * 44_100, 44_100), 44_100, 2); // 1 s each
      return file;
    });
    const engine = new LocalEngine({ sink: 'null', pauseFadeMs: 0, pipeSeconds: 0.2 });
    const player = new Player({ engine, store: new MemoryStateStore(), log: () => undefined });
    const trace = new Trace();
    const attached = [attachPlayerTrace(player, trace), attachEngineTrace(engine, trace)];
    try {
      player.add(files.map((uri) => ({ uri })));
      await player.play();
      await waitFor(player, (s) => s.state === 'playing');
      await player.pause();
      await player.seek(500);
      await player.play();
      await player.next();
      await waitFor(player, (s) => s.queueIndex === 1 && s.state === 'playing');
      await player.stop();
      // A command the state table refuses is still traced, with its outcome.
      await player.pause();
    } finally {
      for (const d of attached) d.dispose();
      player.dispose();
      engine.dispose();
    }
    // Detached: commands are no longer shadowed.
    assert.equal(Object.prototype.hasOwnProperty.call(player, 'play'), false);
    assert.equal(Object.prototype.hasOwnProperty.call(engine, 'load'), false);

    const json = JSON.parse(JSON.stringify(trace.toChromeTrace())) as { traceEvents: TraceEvent[] };
    assert.deepEqual(chromeTraceProblems(json), []);
    const onLane = (tid: number) => json.traceEvents.filter((e) => e.pid === process.pid && e.tid === tid && e.ph !== 'M');
    const transitions = onLane(hostLanes.playerState)
      .filter((e) => e.cat === 'state')
      .map((e) => `${e.args!.from}→${e.args!.to} (${e.args!.cause})`);
    assert.deepEqual(transitions, ['stopped→playing (play)', 'playing→paused (pause)', 'paused→playing (play)', 'playing→stopped (stop)']);
    const tracks = onLane(hostLanes.playerState).filter((e) => e.cat === 'track').map((e) => path.basename(String(e.args!.uri)));
    // Stop keeps the current item, so no "no track" event follows t1.
    assert.deepEqual(tracks, ['t0.wav', 't1.wav']);
    const commands = onLane(hostLanes.playerCommands).map((e) => `${e.name}:${e.args?.ok}`);
    assert.deepEqual(commands, ['add:undefined', 'play:true', 'pause:true', 'seek:true', 'play:true', 'next:true', 'stop:true', 'pause:false']);
    const engineCalls = onLane(hostLanes.engineCalls).map((e) => e.name);
    assert.ok(engineCalls.includes('load') && engineCalls.includes('seek') && engineCalls.includes('pause'), engineCalls.join(','));
    for (const call of onLane(hostLanes.engineCalls)) assert.ok(call.ph === 'X' && call.dur! >= 0);
    // Time order is kept in the export.
    const ts = json.traceEvents.filter((e) => e.ph !== 'M').map((e) => e.ts);
    assert.deepEqual(ts, [...ts].sort((a, b) => a - b));
  });

  it('records a skipped broken file as an error on the state lane', async () => {
    const good = path.join(dir, 'good.wav');
    const broken = path.join(dir, 'broken.wav');
    writeWavS16(good, counterPcm(0, 22_050), 44_100, 2);
    fs.writeFileSync(broken, Buffer.from('RIFF\u0000\u0000\u0000\u0000WAVEjunkjunkjunk'));
    const engine = new LocalEngine({ sink: 'null', pauseFadeMs: 0, pipeSeconds: 0.2 });
    const player = new Player({ engine, store: new MemoryStateStore(), log: () => undefined });
    const trace = new Trace();
    const attached = attachPlayerTrace(player, trace);
    try {
      player.add([{ uri: broken }, { uri: good }]);
      await player.play();
      await waitFor(player, (s) => s.error !== undefined);
    } finally {
      attached.dispose();
      player.dispose();
      engine.dispose();
    }
    const errors = trace.events().filter((e) => e.cat === 'error');
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]!.args!.message), /broken\.wav/);
  });
});
