import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DecodeError, MemoryByteSource, openDecoder } from '../../../src/decode';
import { parseAudioTrack, readMoov } from '../../../src/decode/mp4/demux';
import type { Decoder } from '../../../src/decode/types';
import { media, maxError, readFrames, readReference, tones } from './helpers';

async function expectDecodeError(promise: Promise<unknown>, code: string): Promise<DecodeError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DecodeError, `expected a DecodeError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.ok(error.message.length > 10);
    return error;
  }
  assert.fail(`expected a DecodeError (${code})`);
}

/** Read to the end, collecting frames; return the error that ended it, if any. */
async function drain(decoder: Decoder): Promise<{ frames: number; error?: DecodeError }> {
  let frames = 0;
  try {
    for (let chunk = await decoder.read(); chunk; chunk = await decoder.read()) frames += chunk.channels[0]!.length;
    return { frames };
  } catch (error) {
    assert.ok(error instanceof DecodeError, `expected a DecodeError, got ${String(error)}`);
    return { frames, error };
  }
}

describe('decode: bad input', () => {
  it('a zero-length file is "empty"', async () => {
    await expectDecodeError(openDecoder(media('empty.mp3')), 'empty');
  });

  it('random bytes named .flac are "corrupt"', async () => {
    await expectDecodeError(openDecoder(media('random-bytes.flac')), 'corrupt');
  });

  it('a missing file is an "io" error naming the path', async () => {
    const error = await expectDecodeError(openDecoder(media('no-such-file.mp3')), 'io');
    assert.match(error.message, /no-such-file\.mp3/);
  });

  it('text with an audio extension is rejected, not decoded as noise', async () => {
    const text = new MemoryByteSource('notes.wav', Buffer.from('these are not the samples you are looking for\n'.repeat(20)));
    await expectDecodeError(openDecoder(text), 'corrupt');
    const unknown = new MemoryByteSource('notes.txt', Buffer.from('plain text'));
    await expectDecodeError(openDecoder(unknown), 'unsupported');
  });

  it('a FLAC cut in half plays its first half, then reports "truncated" with the position', async () => {
    const decoder = await openDecoder(media('truncated.flac'));
    try {
      const total = decoder.format.totalFrames!;
      const { frames, error } = await drain(decoder);
      assert.ok(frames > total * 0.3 && frames < total * 0.7, `decoded ${frames} of ${total}`);
      assert.equal(error?.code, 'truncated');
      assert.equal(error?.at?.frame, frames);
      // After the report, the stream simply ends (the engine can move on).
      assert.equal(await decoder.read(), null);
    } finally {
      decoder.dispose();
    }
  });

  it('an MP3 with garbage in the middle reports "corrupt" with the byte where it starts', async () => {
    const size = readFileSync(media('corrupt-middle.mp3')).length;
    const decoder = await openDecoder(media('corrupt-middle.mp3'));
    try {
      const { frames, error } = await drain(decoder);
      assert.equal(error?.code, 'corrupt');
      const byte = error!.at!.byte!;
      assert.ok(byte >= size / 2 - 1000 && byte <= size / 2 + 4096, `reported byte ${byte} of ${size}`);
      assert.ok(frames > 0, 'the part before the damage plays');
    } finally {
      decoder.dispose();
    }
  });

  it('an M4A with a damaged access unit plays up to it, then reports "corrupt" with its byte, then ends', async () => {
    const bytes = new Uint8Array(readFileSync(media('tone-m4a-faststart.m4a')));
    const track = parseAudioTrack(await readMoov(new MemoryByteSource('moov', bytes)), 'moov');
    const unit = 40;
    const offset = track.chunks.offsetOf(unit, track.chunks.chunkOf(unit));
    const damaged = bytes.slice();
    damaged.fill(0xff, offset, offset + track.sizes[unit]!);
    const decoder = await openDecoder(new MemoryByteSource('damaged.m4a', damaged));
    try {
      const { frames, error } = await drain(decoder);
      assert.equal(error?.code, 'corrupt');
      assert.equal(error!.at!.byte, offset);
      assert.match(error!.message, /access unit 40/);
      // Everything up to the damaged unit is heard (give or take FAAD2's one unit of delay).
      assert.ok(frames >= 38 * 1024 && frames <= 40 * 1024, `${frames} frames before the damage`);
      assert.equal(error!.at!.frame, frames);
      assert.equal(await decoder.read(), null);
    } finally {
      decoder.dispose();
    }
  });

  it('an Ogg Vorbis file named .mp3 decodes as Vorbis (magic bytes win over the extension)', async () => {
    const decoder = await openDecoder(media('mislabelled-ogg.mp3'));
    try {
      assert.equal(decoder.format.codec, 'vorbis');
      const pcm = await readFrames(decoder);
      const ref = readReference('reference/tone-vorbis.wav');
      assert.equal(pcm[0]!.length, ref.frames);
      assert.ok(maxError(pcm, ref, 0, ref.frames).lsb <= 1);
    } finally {
      decoder.dispose();
    }
  });

  it('FLAC without a SEEKTABLE still seeks exactly (frame-header bisection)', async () => {
    const track = tones('flac')[0]!;
    const bytes = Buffer.from(readFileSync(media(track.file)));
    // Turn the SEEKTABLE block (type 3) into PADDING (type 1).
    let p = 4;
    for (;;) {
      const type = bytes[p]! & 0x7f;
      if (type === 3) bytes[p] = (bytes[p]! & 0x80) | 1;
      if (bytes[p]! & 0x80) break;
      p += 4 + bytes.readUIntBE(p + 1, 3);
    }
    const ref = readReference(track.reference);
    const decoder = await openDecoder(new MemoryByteSource(track.file, bytes));
    try {
      for (const target of [0, 12345, 40000, 65000, track.frames - 100]) {
        await decoder.seek(target);
        const pcm = await readFrames(decoder, 100, target);
        assert.ok(maxError(pcm, ref, target, pcm[0]!.length).lsb <= 1, `seek(${target})`);
      }
    } finally {
      decoder.dispose();
    }
  });

  it('dispose is idempotent and use after dispose is an error, not a crash', async () => {
    const decoder = await openDecoder(media(tones('flac')[0]!.file));
    decoder.dispose();
    decoder.dispose();
    await expectDecodeError(decoder.read(), 'io');
  });

  it('opening and disposing 600 Opus decoders does not exhaust libopus (wasm freed)', async function () {
    this.timeout(60000);
    const file = media(tones('opus')[0]!.file);
    for (let i = 0; i < 600; i++) {
      const decoder = await openDecoder(file);
      try {
        if (i % 100 === 0) assert.ok(await decoder.read());
      } finally {
        decoder.dispose();
      }
    }
    const last = await openDecoder(file);
    try {
      assert.ok(await last.read());
    } finally {
      last.dispose();
    }
  });
});

describe('decode: overlapping calls', () => {
  it('a seek issued while a read is pending applies to the next read; dispose waits for the call in flight', async () => {
    const track = tones('mp3')[0]!;
    const ref = readReference(track.reference);
    const decoder = await openDecoder(media(track.file));
    const first = decoder.read();
    const seek = decoder.seek(40000);
    const next = decoder.read();
    assert.equal((await first)!.frame, 0);
    await seek;
    const chunk = (await next)!;
    assert.equal(chunk.frame, 40000);
    assert.ok(maxError([...chunk.channels], ref, 40000, chunk.channels[0]!.length).lsb <= 1);
    const pending = decoder.read();
    decoder.dispose();
    assert.ok(await pending, 'the read in flight completes');
    await expectDecodeError(decoder.read(), 'io');
  });
});
