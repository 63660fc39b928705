import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { mp3File, TINY_PNG } from '../../../bench/lib/tagged-files';
import { scanCommand } from '../../../src/cli/commands/scan';
import { commands } from '../../../src/cli/commands/index';
import { ExitCode, UsageError } from '../../../src/cli/command';
import { useTempDir, writeTree } from './helpers';

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  const code = await scanCommand.run(args, { stdout, stderr, stdin: new PassThrough(), interrupted: new Promise(() => undefined) });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

describe('cli: playhead scan', () => {
  const tmp = useTempDir();

  beforeEach(() => {
    writeTree(tmp.path, {
      'Album/02 - B.mp3': mp3File({ title: 'Bé', artist: 'Ärtist', track: '2' }),
      'Album/01 - A.mp3': mp3File({ title: 'Ä', artist: 'Ärtist', track: '1' }),
      'Album/notes.txt': 'x',
      'Album/broken.mp3': Buffer.from('nope '.repeat(100)),
    });
  });

  it('is registered', () => {
    assert.ok(commands.includes(scanCommand));
  });

  it('prints tracks in order with tags, then skipped files with reasons', async () => {
    const { code, stdout, stderr } = await run([tmp.path]);
    assert.equal(code, ExitCode.ok);
    const lines = stdout.split('\n');
    assert.equal(lines[0], path.join('Album', '01 - A.mp3'));
    assert.match(lines[1]!, /title: Ä, artist: Ärtist, album: Album \(from name\), track: 1/);
    assert.equal(lines[2], path.join('Album', '02 - B.mp3'));
    assert.ok(stdout.includes('Skipped (2):'));
    assert.ok(stdout.includes(`${path.join('Album', 'broken.mp3')}: cannot read tags: `));
    assert.ok(stdout.includes(`${path.join('Album', 'notes.txt')}: unsupported file type .txt`));
    assert.match(stderr, /2 tracks, 2 skipped/);
    assert.ok(!stdout.includes(', cover'));
  });

  it('reports embedded covers with --covers', async () => {
    writeTree(tmp.path, { 'Album/03 - C.mp3': mp3File({ title: 'C', track: '3', cover: TINY_PNG }) });
    const { stdout } = await run([tmp.path, '--covers']);
    const lines = stdout.split('\n');
    const c = lines.indexOf(path.join('Album', '03 - C.mp3'));
    assert.match(lines[c + 1]!, /, cover$/);
    assert.doesNotMatch(lines[1]!, /cover/);
  });

  it('prints JSON with --json, honours --ignore, and reuses a --cache', async () => {
    const cache = path.join(tmp.path, '.cache');
    const first = await run([tmp.path, '--json', '--ignore', 'notes.*', '--cache', cache]);
    const doc = JSON.parse(first.stdout) as { tracks: { tags: { title: string } }[]; skipped: { kind: string }[]; summary: { tagReads: number } };
    assert.deepEqual(doc.tracks.map((t) => t.tags.title), ['Ä', 'Bé']);
    assert.deepEqual(doc.skipped.map((s) => s.kind), ['unreadable-file']);
    assert.equal(doc.summary.tagReads, 3);
    const second = JSON.parse((await run([tmp.path, '--json', '--ignore=notes.*', '--cache', cache])).stdout) as typeof doc;
    assert.equal(second.summary.tagReads, 0);
    assert.deepEqual(second.tracks, doc.tracks);
  });

  it('fails with bad input for a missing folder and with usage errors for bad arguments', async () => {
    const missing = await run([path.join(tmp.path, 'nope')]);
    assert.equal(missing.code, ExitCode.badInput);
    assert.match(missing.stderr, /cannot scan/);
    await assert.rejects(run([]), UsageError);
    await assert.rejects(run([tmp.path, '--bogus']), UsageError);
    await assert.rejects(run([tmp.path, '--concurrency', '0']), UsageError);
  });
});
