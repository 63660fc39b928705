import * as assert from 'node:assert/strict';
import { SpanBatcher, TimingsOutbox, realTimeFactor } from '../../../src/engine/timings';

describe('engine: timing spans (bounded decode/output timings for the trace)', () => {
  it('groups back-to-back calls into one span; a gap or another rate starts the next', () => {
    const outbox = new TimingsOutbox(10);
    const batcher = new SpanBatcher('decode', outbox, 20);
    batcher.add(100, 102, 4096, 44_100);
    batcher.add(103, 106, 4096, 44_100);
    assert.equal(outbox.take(), undefined, 'an open span is not sent');
    batcher.add(200, 201, 1024, 44_100); // 94 ms later: a new burst
    batcher.add(201, 202, 1024, 48_000); // another track's rate
    batcher.close();
    const batch = outbox.take()!;
    assert.equal(batch.dropped, 0);
    assert.deepEqual(
      batch.spans.map(({ kind, durationMs, calls, frames, sampleRate, busyMs }) => ({ kind, durationMs, calls, frames, sampleRate, busyMs })),
      [
        { kind: 'decode', durationMs: 6, calls: 2, frames: 8192, sampleRate: 44_100, busyMs: 5 },
        { kind: 'decode', durationMs: 1, calls: 1, frames: 1024, sampleRate: 44_100, busyMs: 1 },
        { kind: 'decode', durationMs: 1, calls: 1, frames: 1024, sampleRate: 48_000, busyMs: 1 },
      ],
    );
    assert.equal(batch.spans[0]!.startMs, performance.timeOrigin + 100, 'epoch milliseconds');
    assert.equal(outbox.take(), undefined, 'taken once');
  });

  it('keeps at most maxSpans between two takes and counts the rest as dropped', () => {
    const outbox = new TimingsOutbox(3);
    const batcher = new SpanBatcher('output', outbox, 5);
    for (let i = 0; i < 10; i++) batcher.add(i * 100, i * 100 + 1, 100, 44_100);
    batcher.close();
    const batch = outbox.take()!;
    assert.equal(batch.spans.length, 3);
    assert.equal(batch.dropped, 7);
    assert.deepEqual(outbox.take(), undefined);
  });

  it('real-time factor: seconds of audio per second of calls', () => {
    assert.equal(realTimeFactor(44_100, 44_100, 10), 100);
    assert.equal(realTimeFactor(44_100, 44_100, 0), undefined);
  });
});
