import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeWavS16 } from '../../support/pcm-signals';
import { icyRadio } from '../net/server';
import { buildCliBundle, CliBundle, wavInfo } from './cli-bundle';

/**
 * `playhead play` end to end: the bundled CLI forks the bundled engine, which writes what it
 * would play into a WAV file (or discards it, paced like a device, for the Ctrl-C test).
 */

const media = path.resolve(__dirname, '../../fixtures/media');
const gaplessA = path.join(media, 'gapless-wav-a.wav'); // 35 287 frames, mono 44.1 kHz
const gaplessB = path.join(media, 'gapless-wav-b.wav'); // 26 457 frames
const bothFrames = 35_287 + 26_457;

describe('cli: playhead play', function () {
  this.timeout(60_000);
  let cli: CliBundle;
  let home: string;
  let out: string;

  before(() => {
    cli = buildCliBundle();
  });
  after(() => cli.dispose());
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-cli-'));
    out = path.join(home, 'out.wav');
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('plays two files to the end into one WAV, sample for sample, and exits 0', async () => {
    const run = await cli.run(['play', gaplessA, gaplessB, '--output', `wav:${out}`], { home });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(wavInfo(fs.readFileSync(out)), { channels: 1, sampleRate: 44_100, frames: bothFrames });
    assert.match(run.stdout, /Playing 1\/2: gapless-wav-a/);
    assert.match(run.stdout, /Playing 2\/2: gapless-wav-b/);
    // State was saved where the CLI keeps it (here the test's config folder).
    assert.ok(fs.existsSync(path.join(home, 'playhead', 'state.json')));
  });

  it('plays a playlist and a folder the same way, noting skipped entries on stderr', async () => {
    const folder = path.join(home, 'album');
    fs.mkdirSync(folder);
    fs.copyFileSync(gaplessA, path.join(folder, '01 a.wav'));
    fs.copyFileSync(gaplessB, path.join(folder, '02 b.wav'));
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'not audio');
    const folderRun = await cli.run(['play', folder, '--output', `wav:${out}`], { home });
    assert.equal(folderRun.code, 0, folderRun.stderr);
    assert.equal(wavInfo(fs.readFileSync(out)).frames, bothFrames);
    assert.match(folderRun.stderr, /skipped .*notes\.txt: unsupported file type \.txt/);

    const playlist = path.join(home, 'list.m3u8');
    fs.writeFileSync(playlist, `#EXTM3U\n${gaplessA}\nmissing.flac\n${gaplessB}\n`);
    const listRun = await cli.run(['play', playlist, '--output', `wav:${out}`], { home });
    assert.equal(listRun.code, 0, listRun.stderr);
    assert.equal(wavInfo(fs.readFileSync(out)).frames, bothFrames);
    assert.match(listRun.stderr, /skipped .*missing\.flac: .*\(listed in list\.m3u8\)/);
  });

  it('plays an http URL (served on 127.0.0.1 by the test)', async () => {
    const bytes = fs.readFileSync(gaplessA);
    const server = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'audio/wav', 'content-length': bytes.length });
      response.end(bytes);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/a.wav`;
      const run = await cli.run(['play', url, '--output', `wav:${out}`], { home });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(wavInfo(fs.readFileSync(out)).frames, 35_287);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('plays an ICY stream and prints each StreamTitle as it comes, through the engine process', async () => {
    const { first, rest } = icyRadio(fs.readFileSync(path.join(media, 'tone-mp3-cbr.mp3')), 4000, { 0: 'Artist - First', 5: 'Artist - Second' }, 5);
    const server = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'audio/mpeg', 'icy-name': 'Loopback FM', 'icy-metaint': '4000' });
      response.write(first);
      response.end(rest);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/radio`;
      const run = await cli.run(['play', url, '--output', `wav:${out}`], { home });
      assert.equal(run.code, 0, run.stderr);
      const lines = run.stdout.split('\n').filter((line) => line.startsWith('Now playing:'));
      assert.deepEqual(lines, ['Now playing: Artist - First', 'Now playing: Artist - Second'], run.stdout);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('--start begins the first track that far in', async () => {
    const run = await cli.run(['play', path.join(media, 'tone-wav16.wav'), '--start', '1', '--output', `wav:${out}`], { home });
    assert.equal(run.code, 0, run.stderr);
    // tone-wav16 is 2 s of stereo at 44.1 kHz: one second is left.
    assert.deepEqual(wavInfo(fs.readFileSync(out)), { channels: 2, sampleRate: 44_100, frames: 44_100 });
  });

  it('exits 3 with a clear message when nothing is playable', async () => {
    const missing = path.join(home, 'no-such-folder');
    const run = await cli.run(['play', missing, '--output', `wav:${out}`], { home });
    assert.equal(run.code, 3);
    assert.match(run.stderr, new RegExp(`skipped ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no such file or folder`));
    assert.match(run.stderr, /nothing playable/);
    assert.equal(fs.existsSync(out), false, 'no output was opened');
  });

  it('exits 4 when the output cannot be opened', async () => {
    const run = await cli.run(['play', gaplessA, '--output', `wav:${path.join(home, 'missing-folder', 'x.wav')}`], { home });
    assert.equal(run.code, 4, run.stderr);
    assert.match(run.stderr, /the output could not be opened: ENOENT/);
  });

  it('exits 2 for wrong options, with the usage', async () => {
    for (const args of [['play'], ['play', gaplessA, '--repeat', 'sometimes'], ['play', gaplessA, '--output', 'speaker'], ['play', gaplessA, '--loud']]) {
      const run = await cli.run(args, { home });
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, /Usage: playhead play/);
    }
  });

  it('stops cleanly on SIGINT: exit 130, engine process gone, state saved', async () => {
    const long = path.join(home, 'long.wav');
    writeWavS16(long, new Int16Array(44_100 * 60), 44_100, 1);
    const child = cli.spawn(['play', long, '--output', 'null'], { home });
    let stdout = '';
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const playing = new Promise<void>((resolve) =>
      child.stdout!.setEncoding('utf8').on('data', (text: string) => {
        stdout += text;
        if (stdout.includes('Playing 1/1')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await playing;
    const enginePids = childPids(child.pid!);
    if (process.platform === 'linux') assert.equal(enginePids.length, 1, 'one engine process');
    const interruptedAt = Date.now();
    child.kill('SIGINT');
    assert.equal(await exited, 130, stderr);
    assert.ok(Date.now() - interruptedAt < 5000, 'stopped promptly');
    for (const pid of enginePids) assert.equal(isAlive(pid), false, 'the engine process ended');
    const state = JSON.parse(fs.readFileSync(path.join(home, 'playhead', 'state.json'), 'utf8')) as Record<string, unknown>;
    assert.match(JSON.stringify(state), /long\.wav/);
  });
});

/** Direct children of `pid` (Linux /proc; the engine is the CLI's only child). */
function childPids(pid: number): number[] {
  if (process.platform !== 'linux') return [];
  const text = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text === '' ? [] : text.split(/\s+/).map(Number);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
