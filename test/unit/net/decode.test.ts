import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openDecoder } from '../../../src/decode/index';
import type { Decoder } from '../../../src/decode/types';
import { openHttpSource } from '../../../src/net/http-source';
import { media } from '../decode/helpers';
import { TestServer, fast, serveBytes } from './server';

async function decodeAll(decoder: Decoder): Promise<Float32Array[]> {
  const parts: Float32Array[][] = [];
  for (let chunk = await decoder.read(); chunk; chunk = await decoder.read()) parts.push(chunk.channels.map((c) => c.slice()));
  return parts[0]!.map((_, c) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p[c]!.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p[c]!, at);
      at += p[c]!.length;
    }
    return out;
  });
}

async function decodeFrom(decoder: Decoder, frame: number, frames: number): Promise<Float32Array[]> {
  await decoder.seek(frame);
  const all = await decodeAll(decoder);
  return all.map((c) => c.subarray(0, frames));
}

describe('net: decoding through an HTTP source', () => {
  let server: TestServer;
  const decoders: Decoder[] = [];
  beforeEach(async () => (server = await TestServer.start()));
  afterEach(async () => {
    for (const d of decoders.splice(0)) d.dispose();
    await server.close();
  });

  for (const file of ['tone-mp3-cbr.mp3', 'tone-flac16.flac', 'tone-vorbis.ogg', 'tone-m4a-moovend.m4a', 'tone-wav16.wav']) {
    it(`${file}: the same PCM as from the file, also after a seek`, async () => {
      const bytes = readFileSync(media(file));
      // Small windows and 4 KiB chunks make the decoder cross many fetch boundaries.
      server.route(`/${file}`, serveBytes(bytes, { chunkSize: 4096 }));
      const options = { ...fast, readAheadBytes: 16 * 1024, keepBehindBytes: 8 * 1024, seekGapBytes: 4096 };
      const fromFile = await openDecoder(media(file));
      const overHttp = await openDecoder(await openHttpSource(server.url(`/${file}`), options));
      decoders.push(fromFile, overHttp);
      assert.deepEqual(overHttp.format, fromFile.format);
      const expected = await decodeAll(fromFile);
      const actual = await decodeAll(overHttp);
      assert.equal(actual.length, expected.length);
      for (let c = 0; c < expected.length; c++) assert.ok(Buffer.from(actual[c]!.buffer).equals(Buffer.from(expected[c]!.buffer)), `channel ${c}`);
      const middle = Math.floor(expected[0]!.length / 2);
      const seekExpected = await decodeFrom(fromFile, middle, 4096);
      const seekActual = await decodeFrom(overHttp, middle, 4096);
      for (let c = 0; c < expected.length; c++) assert.ok(Buffer.from(seekActual[c]!.slice().buffer).equals(Buffer.from(seekExpected[c]!.slice().buffer)), `seek channel ${c}`);
    });
  }

  it('an MP3 internet radio stream (ICY, no length) decodes to the same PCM as the file', async () => {
    const bytes = readFileSync(media('tone-mp3-cbr.mp3'));
    const metaint = 4000;
    const parts: Buffer[] = [];
    for (let p = 0, n = 0; p < bytes.length; p += metaint, n++) {
      parts.push(bytes.subarray(p, p + metaint));
      if (p + metaint >= bytes.length) break;
      const text = Buffer.alloc(32);
      text.write(`StreamTitle='Tone ${n}';`);
      parts.push(Buffer.from([2]), text);
    }
    server.route('/radio', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'audio/mpeg', 'icy-metaint': String(metaint) });
      res.end(Buffer.concat(parts));
    });
    const source = await openHttpSource(server.url('/radio'), fast);
    const titles: string[] = [];
    source.onDidChangeTitle((t) => titles.push(t));
    const fromFile = await openDecoder(media('tone-mp3-cbr.mp3'));
    const live = await openDecoder(source);
    decoders.push(fromFile, live);
    assert.equal(source.size, undefined);
    const expected = await decodeAll(fromFile);
    const actual = await decodeAll(live);
    for (let c = 0; c < expected.length; c++) assert.ok(Buffer.from(actual[c]!.buffer).equals(Buffer.from(expected[c]!.buffer)), `channel ${c}`);
    assert.equal(titles[0], 'Tone 0');
    assert.equal(titles.length, Math.ceil(bytes.length / metaint) - 1);
  });
});
