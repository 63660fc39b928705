import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeHeapSnapshot } from '../../../src/diagnostics/heap-snapshot';
import { collectReport, engineReport, formatBytes, formatSpeed, renderReportMarkdown } from '../../../src/diagnostics/host-report';
import { ResourceTracker } from '../../../src/diagnostics/resource-tracker';

describe('Diagnostics report', () => {
  it('shows host memory, live resources by kind and owner, and the engine when known', () => {
    const tracker = new ResourceTracker();
    const a = tracker.track('timer', 'Player');
    tracker.track('decoder', 'LocalEngine');
    tracker.track('decoder', 'LocalEngine');
    a.dispose();
    const report = collectReport({
      tracker,
      engine: { rssBytes: 50 * 2 ** 20, heapUsedBytes: 12 * 2 ** 20, cpuUserMicros: 1e6, cpuSystemMicros: 5e5, pipeFrames: 2048, underruns: 3, sink: 'null', firstPcmLatencyMs: 4.2, decodeSpeed: 312.4 },
      player: { state: 'playing', track: 'Song', queueLength: 7 },
      trace: { length: 10, capacity: 100, dropped: 0 },
    });
    assert.deepEqual(report.host.resources.byKind, { decoder: 2 });
    assert.deepEqual(report.host.resources.byOwner, { LocalEngine: { decoder: 2 } });
    assert.equal(report.host.resources.created, 3);
    assert.equal(report.host.resources.released, 1);
    const markdown = renderReportMarkdown(report);
    assert.match(markdown, /\| decoder \| 2 \|/);
    assert.match(markdown, /\| Heap used \| [\d.]+ MB \| 12\.0 MB \|/);
    assert.match(markdown, /\| Underruns \| 3 \|/);
    assert.match(markdown, /\| Pipe depth \| 2048 frames \|/);
    assert.match(markdown, /\| Decode speed \| 312× real time \|/);
    assert.match(markdown, /Player: \*\*playing\*\* — Song, 7 in the queue/);
    assert.match(markdown, /\| External \| [\d.]+ [KM]?B \| — \|/, 'no engine external memory without a diagnostics answer');
    // The raw JSON at the end parses back to the report.
    const json = markdown.slice(markdown.indexOf('```json') + 7, markdown.lastIndexOf('```'));
    assert.deepEqual(JSON.parse(json), JSON.parse(JSON.stringify(report)));
  });

  it('shows the engine\'s diagnostics answer: its memory, uptime and live resources', () => {
    const stats = { rssBytes: 1, heapUsedBytes: 1, cpuUserMicros: 0, cpuSystemMicros: 0, pipeFrames: 0, underruns: 0, sink: 'null', firstPcmLatencyMs: undefined, decodeSpeed: undefined };
    const memory = { heapUsed: 7 * 2 ** 20, heapTotal: 9 * 2 ** 20, rss: 60 * 2 ** 20, external: 3 * 2 ** 20, arrayBuffers: 2 ** 20 };
    const engine = engineReport({ pid: 42, uptimeSeconds: 125, memory, resources: { decoder: 2, timer: 1 }, stats });
    const markdown = renderReportMarkdown(collectReport({ tracker: new ResourceTracker(), engine }));
    assert.match(markdown, /\| Heap used \| [\d.]+ MB \| 7\.0 MB \|/, 'the memory of the answer, not of the stats');
    assert.match(markdown, /\| RSS \| [^|]+ \| 60\.0 MB \|/);
    assert.match(markdown, /\| External \| [\d.]+ [KM]?B \| 3\.0 MB \|/);
    assert.match(markdown, /\| ArrayBuffers \| [\d.]+ [KM]?B \| 1\.0 MB \|/);
    assert.match(markdown, /\| Uptime \| .* \| 2 min 5 s \|/);
    assert.match(markdown, /\| Live resources \| decoder 2, timer 1 \|/);
    assert.match(markdown, /\| Decode speed \| — \(not decoding\) \|/);
  });

  it('says why the engine part is missing', () => {
    const markdown = renderReportMarkdown(collectReport({ tracker: new ResourceTracker(), engineNote: 'the engine is not running' }));
    assert.match(markdown, /Engine: the engine is not running\./);
  });

  it('formats sizes', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(-3 * 2 ** 20), '-3.0 MB');
    assert.equal(formatSpeed(312.4), '312×');
    assert.equal(formatSpeed(4.25), '4.3×');
  });

  it('debug mode records where each live resource was created', () => {
    const tracker = new ResourceTracker(true);
    const handle = tracker.track('socket', 'Test');
    const [live] = tracker.liveResources();
    assert.equal(live?.kind, 'socket');
    assert.match(live?.stack ?? '', /report-and-snapshot\.test\.ts/);
    handle.dispose();
    handle.dispose(); // idempotent: counts cannot go negative
    assert.deepEqual(tracker.liveResources(), []);
    assert.equal(tracker.count(), 0);
  });
});

describe('writeHeapSnapshot', () => {
  it('writes a V8 heap snapshot file DevTools can load', function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-heap-'));
    try {
      const file = writeHeapSnapshot(path.join(dir, 'nested'), 'test');
      assert.ok(file.startsWith(path.join(dir, 'nested')), file);
      assert.match(path.basename(file), /^playhead-test-\d+-.*\.heapsnapshot$/);
      const head = Buffer.alloc(64);
      const fd = fs.openSync(file, 'r');
      fs.readSync(fd, head, 0, 64, 0);
      fs.closeSync(fd);
      assert.match(head.toString('utf8'), /^\{"snapshot":\{"meta":/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
