import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MemoryReading } from '../../../src/diagnostics/memory-watchdog';
import { chromeTraceProblems, TraceEvent } from '../../../src/diagnostics/trace';
import type { EngineStats } from '../../../src/engine/protocol';
import type * as RegisterModule from '../../../src/vscode/diagnostics/register-diagnostics';
import { rig, tracks } from '../player/helpers';
import { createFakeVscode, FakeUri, installFakeVscode } from './fake-vscode';

const MB = 2 ** 20;

/** A LogOutputChannel that keeps its lines. */
function fakeLog() {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => lines.push(`${level} ${message}`);
  return { lines, channel: { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), trace: at('trace') } };
}

describe('registerDiagnostics (VS Code side, on a fake vscode)', () => {
  let fake: ReturnType<typeof createFakeVscode>;
  let registerDiagnostics: typeof RegisterModule.registerDiagnostics;
  let uninstall: () => void;
  let dir: string;

  beforeEach(() => {
    fake = createFakeVscode();
    uninstall = installFakeVscode(fake.api);
    // Loaded once; the module keeps the `vscode` it was loaded with, so each test re-points it.
    const modulePath = require.resolve('../../../src/vscode/diagnostics/register-diagnostics');
    const documentPath = require.resolve('../../../src/vscode/diagnostics/diagnostics-document');
    delete require.cache[modulePath];
    delete require.cache[documentPath];
    registerDiagnostics = (require(modulePath) as typeof RegisterModule).registerDiagnostics;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-diag-vscode-'));
  });
  afterEach(() => {
    uninstall();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const stats: EngineStats = { rssBytes: 70 * MB, heapUsedBytes: 9 * MB, cpuUserMicros: 2e6, cpuSystemMicros: 1e6, pipeFrames: 1234, underruns: 2, sink: 'null', firstPcmLatencyMs: 12, decodeSpeed: 250 };

  it('registers its commands and removes them (and its timers) on dispose', () => {
    const { player } = rig();
    const log = fakeLog();
    const registration = registerDiagnostics({ player, log: log.channel as never, watchdogTiming: { setInterval: () => ({ dispose: () => undefined }) } });
    assert.deepEqual([...fake.commands.keys()].sort(), ['playhead.copyDiagnostics', 'playhead.exportTrace', 'playhead.showDiagnostics', 'playhead.writeHeapSnapshot']);
    assert.ok(fake.providers.has('playhead-diagnostics'));
    registration.dispose();
    assert.deepEqual([...fake.commands.keys()], []);
    assert.equal(fake.providers.size, 0);
    player.dispose();
  });

  it('Show Diagnostics opens a Markdown preview of live counts, memory and the engine stats; Copy copies it', async () => {
    const { player } = rig();
    const log = fakeLog();
    const registration = registerDiagnostics({ player, log: log.channel as never, engineStats: async () => stats });
    try {
      player.add(tracks(3));
      await player.play();
      await fake.api.commands.executeCommand('playhead.showDiagnostics');
      const preview = fake.executed.find((e) => e.id === 'markdown.showPreview');
      assert.ok(preview, 'the Markdown preview was asked for');
      const uri = preview.args[0] as FakeUri;
      assert.equal(uri.scheme, 'playhead-diagnostics');
      const markdown = await fake.providers.get('playhead-diagnostics')!.provideTextDocumentContent(uri);
      assert.match(markdown, /Player: \*\*playing\*\* — T 0, 3 in the queue/);
      assert.match(markdown, /\| Heap used \| [\d.]+ MB \| 9\.0 MB \|/);
      assert.match(markdown, /\| Underruns \| 2 \|/);
      assert.match(markdown, /\| Decode speed \| 250× real time \|/);
      assert.match(markdown, /\| owner \| \d+ \|/, 'the live Player is among the tracked resources');
      assert.match(markdown, /## Memory watchdog\n\nOn;/);
      await fake.api.commands.executeCommand('playhead.copyDiagnostics');
      assert.match(fake.state.clipboard, /# Playhead diagnostics/);
      fake.documentClosed.fire({ uri });
    } finally {
      registration.dispose();
      player.dispose();
    }
  });

  it('says when the engine does not answer', async () => {
    const { player } = rig();
    const registration = registerDiagnostics({ player, log: fakeLog().channel as never, engineStats: () => new Promise<never>(() => undefined) });
    try {
      const markdown = await fake.providers.get('playhead-diagnostics')!.provideTextDocumentContent(new FakeUri('playhead-diagnostics', '/x.md'));
      assert.match(markdown, /Engine: unavailable: no answer within 1000 ms\./);
    } finally {
      registration.dispose();
      player.dispose();
    }
  });

  it('Export Trace writes valid Chrome trace JSON with the session\'s state transitions', async () => {
    const { player } = rig();
    const registration = registerDiagnostics({ player, log: fakeLog().channel as never });
    try {
      player.add(tracks(2));
      await player.play();
      await player.pause();
      await player.stop();
      fake.state.saveTarget = FakeUri.file(path.join(dir, 'trace.json'));
      await fake.api.commands.executeCommand('playhead.exportTrace');
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'trace.json'), 'utf8')) as { traceEvents: TraceEvent[]; displayTimeUnit: string };
      assert.deepEqual(chromeTraceProblems(json), []);
      const transitions = json.traceEvents.filter((e) => e.cat === 'state').map((e) => `${e.args!.from}→${e.args!.to}`);
      assert.deepEqual(transitions, ['stopped→playing', 'playing→paused', 'paused→stopped']);
    } finally {
      registration.dispose();
      player.dispose();
    }
  });

  it('Write Heap Snapshot writes the host snapshot (and asks the engine when it can)', async function () {
    this.timeout(60_000);
    const { player } = rig();
    const engineDirs: string[] = [];
    const registration = registerDiagnostics({
      player,
      log: fakeLog().channel as never,
      snapshotDir: dir,
      engineHeapSnapshot: async (target) => {
        engineDirs.push(target);
        return path.join(target, 'engine.heapsnapshot');
      },
    });
    try {
      await fake.api.commands.executeCommand('playhead.writeHeapSnapshot');
      assert.equal(fs.readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot')).length, 1);
      assert.deepEqual(engineDirs, [dir]);
      assert.match(fake.messages.at(-1)!.text, /Heap snapshot written: playhead-host-.*, engine\.heapsnapshot/);
    } finally {
      registration.dispose();
      player.dispose();
    }
  });

  it('Write Heap Snapshot says so when the engine is not running (and when the host snapshot fails)', async () => {
    const { player } = rig();
    const log = fakeLog();
    // A folder below a file: the host snapshot fails at once, so no 100 MB snapshot is written here.
    const blocked = path.join(dir, 'a-file');
    fs.writeFileSync(blocked, '');
    let asked = 0;
    const registration = registerDiagnostics({
      player,
      log: log.channel as never,
      snapshotDir: path.join(blocked, 'snapshots'),
      engineHeapSnapshot: async () => {
        asked++;
        return undefined;
      },
    });
    try {
      await fake.api.commands.executeCommand('playhead.writeHeapSnapshot');
      assert.equal(asked, 1);
      assert.ok(log.lines.some((l) => /^error .*host heap snapshot failed/.test(l)), log.lines.join('\n'));
      assert.ok(log.lines.some((l) => /^info .*no engine heap snapshot: the engine is not running/.test(l)), log.lines.join('\n'));
      assert.match(fake.messages.at(-1)!.text, /could not write a heap snapshot/);
    } finally {
      registration.dispose();
      player.dispose();
    }
  });

  it('the watchdog warns in the log every time and in a notification once; the setting switches it off', () => {
    const { player } = rig();
    const log = fakeLog();
    let now = 0;
    let heap = 40 * MB;
    let tick: (() => void) | undefined;
    const registration = registerDiagnostics({
      player,
      log: log.channel as never,
      watchdogTiming: {
        now: () => now,
        read: (): MemoryReading => ({ heapUsed: heap, rss: heap, external: MB, arrayBuffers: 0 }),
        setInterval: (fn) => {
          tick = fn;
          return { dispose: () => (tick = undefined) };
        },
      },
    });
    const run = (minutes: number, mbPerMinute: number) => {
      for (let i = 0; i < minutes * 12; i++) {
        now += 5_000;
        heap += (mbPerMinute * MB) / 12;
        tick?.();
      }
    };
    try {
      run(4, 2); // a leak
      run(4, 0); // it stops: recovered
      run(4, 2); // and again
      const warnings = log.lines.filter((l) => l.startsWith('warn [diagnostics] memory keeps growing'));
      assert.equal(warnings.length, 2, log.lines.join('\n'));
      assert.ok(log.lines.some((l) => l === 'info [diagnostics] memory growth has stopped'));
      assert.equal(fake.messages.filter((m) => m.level === 'warning').length, 1, 'one notification per session');
      assert.deepEqual(fake.messages[0]!.actions, ['Show Diagnostics', 'Write Heap Snapshot']);

      fake.setSetting('playhead.diagnostics.memoryWatchdog', false);
      assert.equal(tick, undefined, 'switched off: no sampling timer');
      assert.ok(log.lines.some((l) => l.includes('memory watchdog off')));
    } finally {
      registration.dispose();
      player.dispose();
    }
  });
});
