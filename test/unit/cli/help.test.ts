import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/command';

/** `--help` and argument errors, in process (no engine is started for these). */

async function runMain(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const io: CliIO = { stdout, stderr, stdin: new PassThrough(), interrupted: new Promise(() => undefined) };
  const code = await main(argv, io);
  return { code, stdout: out, stderr: err };
}

describe('cli: help and usage errors', () => {
  for (const name of ['play', 'devices', 'serve']) {
    it(`playhead ${name} --help prints its usage and exits 0`, async () => {
      const run = await runMain([name, '--help']);
      assert.equal(run.code, 0);
      assert.match(run.stdout, new RegExp(`^Usage: playhead ${name}`));
      assert.match(run.stdout, /Options:/);
    });
  }

  it('lists play, devices and serve in playhead --help', async () => {
    const run = await runMain(['--help']);
    assert.equal(run.code, 0);
    for (const name of ['play', 'devices', 'serve']) assert.match(run.stdout, new RegExp(`^  ${name} `, 'm'));
  });

  it('refuses bad serve and devices arguments with exit 2', async () => {
    for (const argv of [
      ['serve', '--port', '70000'],
      ['serve', '--port', 'http'],
      ['serve', '--token', 'short'],
      ['serve', '--output', 'speaker'],
      ['devices', 'extra'],
      ['devices', '--verbose'],
    ]) {
      const run = await runMain(argv);
      assert.equal(run.code, 2, argv.join(' '));
      assert.match(run.stderr, new RegExp(`Usage: playhead ${argv[0]}`));
    }
  });
});
