import * as assert from 'node:assert/strict';
import { GrowthReport, MemoryReading, MemoryWatchdog } from '../../../src/diagnostics/memory-watchdog';
import { theilSenSlope } from '../../../src/diagnostics/theil-sen';

const MB = 1024 * 1024;
const minute = 60_000;

/** mulberry32: reproducible noise. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A heap the way a GC'd process shows it: garbage piles up at `garbageMBPerMin` until a
 * collection drops it back to the live size, every 10–45 s at random; plus ±0.25 MB jitter and,
 * from `leakFrom`, live data growing at `leakMBPerMin`.
 */
function simulatedHeap(options: { seed: number; garbageMBPerMin: number; leakMBPerMin: number; leakFrom?: number; leakUntil?: number }) {
  const rand = random(options.seed);
  let garbage = 0;
  let lastAt = 0;
  let nextGcAt = 10_000 + rand() * 35_000;
  return (at: number): MemoryReading => {
    garbage += ((at - lastAt) / minute) * options.garbageMBPerMin * MB;
    lastAt = at;
    if (at >= nextGcAt) {
      garbage = 0;
      nextGcAt = at + 10_000 + rand() * 35_000;
    }
    const leakStart = options.leakFrom ?? 0;
    const leakEnd = Math.min(at, options.leakUntil ?? Infinity);
    const leaked = leakEnd > leakStart ? ((leakEnd - leakStart) / minute) * options.leakMBPerMin * MB : 0;
    const jitter = (rand() - 0.5) * 0.5 * MB;
    const heapUsed = 40 * MB + leaked + garbage + jitter;
    return { heapUsed, rss: heapUsed + 60 * MB, external: 2 * MB, arrayBuffers: MB };
  };
}

/** Runs a watchdog on a fake clock over `durationMs`, sampling every 5 s. */
function run(heap: (at: number) => MemoryReading, durationMs: number) {
  let now = 0;
  const warnings: GrowthReport[] = [];
  const recoveries: GrowthReport[] = [];
  const watchdog = new MemoryWatchdog({
    now: () => now,
    read: () => heap(now),
    setInterval: () => ({ dispose: () => undefined }),
    onGrowth: (report) => warnings.push(report),
    onRecover: (report) => recoveries.push(report),
  });
  watchdog.start();
  for (now = 5_000; now <= durationMs; now += 5_000) watchdog.sample();
  watchdog.dispose();
  return { warnings, recoveries };
}

describe('Theil–Sen slope', () => {
  it('is the median of pairwise slopes, unmoved by a few wild points', () => {
    const points = Array.from({ length: 20 }, (_, i) => ({ x: i, y: 3 * i + 1 }));
    assert.equal(theilSenSlope(points), 3);
    const spoiled = points.map((p, i) => (i % 5 === 2 ? { x: p.x, y: -1000 } : p));
    assert.equal(theilSenSlope(spoiled), 3);
    assert.equal(theilSenSlope([{ x: 1, y: 1 }]), undefined);
  });
});

describe('MemoryWatchdog', () => {
  it('flags a 1 MB/min leak under a GC sawtooth within 2 minutes of its start, once', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const leakFrom = 60_000;
      const { warnings } = run(simulatedHeap({ seed, garbageMBPerMin: 4, leakMBPerMin: 1, leakFrom }), 12 * minute);
      assert.equal(warnings.length, 1, `seed ${seed}: one warning for one leak, got ${warnings.length}`);
      const warning = warnings[0]!;
      assert.ok(warning.at - leakFrom <= 2 * minute, `seed ${seed}: flagged ${(warning.at - leakFrom) / 1000} s after the leak began`);
      const heap = warning.growing.find((g) => g.metric === 'heapUsed');
      assert.ok(heap, `seed ${seed}: heapUsed is the metric that grew`);
      assert.ok(heap.bytesPerMinute > 0.5 * MB && heap.bytesPerMinute < 2 * MB, `seed ${seed}: estimated ${heap.bytesPerMinute / MB} MB/min`);
    }
  });

  it('raises nothing for a clean heap with a GC sawtooth and jitter (30 minutes, several seeds)', () => {
    for (const seed of [11, 12, 13, 14, 15, 16, 17, 18]) {
      const { warnings } = run(simulatedHeap({ seed, garbageMBPerMin: 6, leakMBPerMin: 0 }), 30 * minute);
      assert.deepEqual(
        warnings.map((w) => w.growing.map((g) => `${g.metric} ${(g.bytesPerMinute / MB).toFixed(2)} MB/min`)),
        [],
        `seed ${seed}`,
      );
    }
  });

  it('warns again only after the growth has stopped and recovered', () => {
    const first = simulatedHeap({ seed: 21, garbageMBPerMin: 3, leakMBPerMin: 1.5, leakFrom: 30_000, leakUntil: 6 * minute });
    const second = simulatedHeap({ seed: 22, garbageMBPerMin: 3, leakMBPerMin: 1.5, leakFrom: 12 * minute });
    const { warnings, recoveries } = run((at) => {
      const a = first(at);
      const b = second(at);
      return { ...a, heapUsed: a.heapUsed + b.heapUsed - 40 * MB };
    }, 18 * minute);
    assert.equal(warnings.length, 2, 'one warning per leak episode');
    assert.equal(recoveries.length, 1);
    assert.ok(recoveries[0]!.at > 6 * minute && recoveries[0]!.at < warnings[1]!.at);
    assert.ok(warnings[1]!.at > 12 * minute && warnings[1]!.at - 12 * minute <= 2 * minute);
  });

  it('ignores growth during the warm-up', () => {
    // Steep growth for the first 30 s (start-up caches), flat afterwards.
    const { warnings } = run((at) => {
      const heapUsed = 40 * MB + Math.min(at, 30_000) * 200;
      return { heapUsed, rss: heapUsed, external: MB, arrayBuffers: 0 };
    }, 10 * minute);
    assert.deepEqual(warnings, []);
  });

  it('does nothing once stopped (the setting switched off)', () => {
    let reads = 0;
    let now = 0;
    const warnings: GrowthReport[] = [];
    const watchdog = new MemoryWatchdog({
      now: () => now,
      read: () => {
        reads++;
        return { heapUsed: 40 * MB + now * 100, rss: 0, external: 0, arrayBuffers: 0 };
      },
      setInterval: () => ({ dispose: () => undefined }),
      onGrowth: (report) => warnings.push(report),
    });
    watchdog.start();
    assert.equal(watchdog.running, true);
    watchdog.stop();
    assert.equal(watchdog.running, false);
    const readsWhenStopped = reads;
    watchdog.dispose();
    for (now = 0; now < 10 * minute; now += 5_000) watchdog.sample();
    assert.equal(reads, readsWhenStopped, 'a disposed watchdog reads nothing');
    assert.deepEqual(warnings, []);
  });

  describe('on this process (real memoryUsage, fast clock)', () => {
    function realRun(leakBytesPerMinute: number) {
      // Minutes of fake time pass in milliseconds of real time, with no garbage collection in
      // between: the test's own garbage would look like heap growth. Buffers are counted in
      // external/arrayBuffers, which only what the test retains moves.
      let now = 0;
      const retained: Buffer[] = [];
      const warnings: GrowthReport[] = [];
      const watchdog = new MemoryWatchdog({
        now: () => now,
        metrics: ['external', 'arrayBuffers'],
        setInterval: () => ({ dispose: () => undefined }),
        onGrowth: (report) => warnings.push(report),
      });
      watchdog.start();
      for (now = 5_000; now <= 4 * minute && warnings.length === 0; now += 5_000) {
        // Buffers live outside the JS heap: this leak shows in `external`.
        if (leakBytesPerMinute > 0) retained.push(Buffer.alloc(Math.round((leakBytesPerMinute * 5_000) / minute), 1));
        watchdog.sample();
      }
      watchdog.dispose();
      return { warnings, retainedBytes: retained.reduce((n, b) => n + b.length, 0) };
    }

    it('flags Buffers retained at 1 MB/min within 2 minutes after the warm-up', () => {
      const { warnings, retainedBytes } = realRun(MB);
      assert.equal(warnings.length, 1, `nothing flagged after retaining ${retainedBytes} bytes`);
      assert.ok(warnings[0]!.at <= 30_000 + 2 * minute, `flagged at ${warnings[0]!.at / 1000} s`);
      assert.ok(warnings[0]!.growing.some((g) => g.metric === 'external'));
    });

    it('raises nothing when nothing is retained', () => {
      assert.deepEqual(realRun(0).warnings, []);
    });
  });
});
