import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../../src/cli/main';
import { fixtures, maxError, media, readReference, tones } from './helpers';

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(args, { stdout, stderr, stdin: new PassThrough(), interrupted: new Promise(() => undefined) });
  return { code, stdout: out, stderr: err };
}

describe('cli: playhead info / decode', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'playhead-cli-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('info --json gives the exact length and the tags', async () => {
    const { code, stdout } = await run(['info', media('tagged.flac'), '--json']);
    assert.equal(code, 0);
    const info = JSON.parse(stdout);
    assert.equal(info.format.codec, 'flac');
    assert.equal(info.format.totalFrames, 44100);
    assert.equal(info.tags.artist, 'Sigur Rós');
    assert.equal(info.tags.title, '夜に駆ける');
  });

  it('info on a broken file exits 3 with the reason', async () => {
    const { code, stderr } = await run(['info', media('random-bytes.flac')]);
    assert.equal(code, 3);
    assert.match(stderr, /not a FLAC stream/);
  });

  for (const codec of ['mp3', 'vorbis', 'flac']) {
    const track = tones(codec)[0]!;
    it(`decode --start --duration writes exactly the player's samples (${track.file})`, async () => {
      const out = join(dir, `${codec}.wav`);
      const { code } = await run(['decode', media(track.file), '--start', '0.5', '--duration', '0.75', '--out', out]);
      assert.equal(code, 0);
      const written = readReference(relative(fixtures, out));
      const start = Math.round(0.5 * track.sampleRate);
      assert.equal(written.frames, Math.round(0.75 * track.sampleRate));
      assert.equal(written.sampleRate, track.sampleRate);
      const asFloat = written.channels.map((c) => Float32Array.from(c, (v) => v / 32768));
      const err = maxError(asFloat, readReference(track.reference), start, written.frames);
      assert.ok(err.lsb <= 1, `${err.lsb} LSB at frame ${err.frame}`);
    });
  }

  it('decode --rate resamples; bad arguments are usage errors', async () => {
    const out = join(dir, 'rate.wav');
    assert.equal((await run(['decode', media('tone-wav16.wav'), '--rate', '48000', '--out', out])).code, 0);
    const header = readFileSync(out);
    assert.equal(header.readUInt32LE(24), 48000);
    assert.equal(header.readUInt32LE(40), 96000 * 4);
    assert.equal((await run(['decode', media('tone-wav16.wav')])).code, 2);
    assert.equal((await run(['decode', media('tone-wav16.wav'), '--out', out, '--start', 'soon'])).code, 2);
  });
});
