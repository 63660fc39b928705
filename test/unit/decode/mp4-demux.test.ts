import assert from 'node:assert/strict';
import { FileByteSource } from '../../../src/decode';
import { parseAudioTrack, readMoov, type Mp4AudioTrack } from '../../../src/decode/mp4/demux';
import { media, tones } from './helpers';

async function track(file: string, wholeLimit?: number): Promise<{ track: Mp4AudioTrack; stubs: number }> {
  const source = await FileByteSource.open(media(file));
  try {
    const moov = await readMoov(source, wholeLimit);
    return { track: parseAudioTrack(moov, file), stubs: moov.sizeTables.size };
  } finally {
    source.dispose();
  }
}

describe('decode: MP4 demuxer', () => {
  for (const { file } of tones('aac')) {
    it(`${file}: a moov read box by box (as large ones are) gives the same track`, async () => {
      const whole = await track(file);
      const pieces = await track(file, 0);
      assert.equal(whole.stubs, 0);
      assert.equal(pieces.stubs, 1, 'the stsz table is read apart');
      const a = whole.track;
      const b = pieces.track;
      assert.deepEqual([...b.asc], [...a.asc]);
      assert.deepEqual([b.channels, b.timescale, b.priming, b.duration], [a.channels, a.timescale, a.priming, a.duration]);
      assert.deepEqual([...b.sizes], [...a.sizes]);
      for (let unit = 0; unit <= a.sizes.length; unit++) {
        assert.equal(b.times.start(unit), a.times.start(unit));
        const chunk = a.chunks.chunkOf(unit);
        assert.equal(b.chunks.chunkOf(unit), chunk);
        assert.equal(b.chunks.offsetOf(unit, chunk), a.chunks.offsetOf(unit, chunk));
      }
    });
  }

});
