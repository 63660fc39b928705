import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { once } from '../../../src/base/event';
import { LocalEngine } from '../../../src/engine/local-engine';
import { counterPcm, counterRuns, readWavS16, writeWavS16 } from '../../support/pcm-signals';

/**
 * `--output wav:FILE` over a queue: a track that ends before its successor is preloaded closes
 * the output, and the next load reopens it. The reopen used to truncate the file (only the last
 * track survived); it appends now, under one header whose sizes cover everything.
 */
describe('engine: the wav sink keeps every track across reopens', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-wav-append-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('two tracks loaded one after the other (no preload) land in one file, in order', async () => {
    const a = path.join(dir, 'a.wav');
    const b = path.join(dir, 'b.wav');
    writeWavS16(a, counterPcm(0, 30_000), 44_100, 2);
    writeWavS16(b, counterPcm(30_000, 20_000), 44_100, 2);
    const out = path.join(dir, 'out.wav');
    fs.writeFileSync(out, Buffer.alloc(100_000, 1)); // a previous run's file is replaced
    const engine = new LocalEngine({ sink: `wav:${out}`, pauseFadeMs: 0 });
    try {
      for (const [id, uri] of [['a', a], ['b', b]] as const) {
        const ended = once(engine.onTrackEnded);
        await engine.load({ id, uri }, { autoplay: true });
        assert.deepEqual(await ended, { trackId: id });
      }
    } finally {
      engine.dispose();
    }
    const written = readWavS16(out);
    assert.equal(written.channels, 2);
    assert.equal(fs.statSync(out).size, 44 + 50_000 * 4, 'one header, both bodies');
    assert.deepEqual(counterRuns(written.pcm).runs, [{ start: 0, end: 50_000 }]);
  });
});
