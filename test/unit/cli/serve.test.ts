import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { call } from '../api/support';
import { buildCliBundle, CliBundle } from './cli-bundle';

/** `playhead serve` end to end: the API answers on 127.0.0.1 and Ctrl-C stops everything. */

const media = path.resolve(__dirname, '../../fixtures/media');

interface Serving {
  readonly child: ChildProcess;
  readonly port: number;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

/** Starts `serve --port 0 ...` and waits for the line that says where it listens. */
async function startServe(cli: CliBundle, home: string, args: readonly string[]): Promise<Serving> {
  const child = cli.spawn(['serve', '--port', '0', '--output', 'null', ...args], { home });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stderr}`)), 20_000);
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)\/api\/v1/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    void exited.then(() => reject(new Error(`serve exited early:\n${stderr}`)));
  });
  return { child, port, stderr: () => stderr, exited };
}

describe('cli: playhead serve', function () {
  this.timeout(60_000);
  let cli: CliBundle;
  let home: string;

  before(() => {
    cli = buildCliBundle();
  });
  after(() => cli.dispose());
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-serve-'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('serves the API with the --token given, queues the PATHs, and exits 0 on SIGINT', async () => {
    const token = 'serve-test-token-0123456789';
    const playlists = path.join(home, 'lists');
    fs.mkdirSync(playlists);
    fs.writeFileSync(path.join(playlists, 'Mix.pls'), `[playlist]\nFile1=${path.join(media, 'tone-wav8.wav')}\nNumberOfEntries=1\n`);
    const serving = await startServe(cli, home, [path.join(media, 'tone-wav16.wav'), '--token', token, '--playlists', playlists]);
    try {
      const queue = await call(serving.port, 'GET', '/api/v1/queue', { token });
      assert.equal(queue.status, 200);
      assert.equal(queue.body.items[0].track.uri, path.join(media, 'tone-wav16.wav'));
      const lists = await call(serving.port, 'GET', '/api/v1/playlists', { token });
      assert.deepEqual(lists.body.playlists.map((p: { name: string }) => p.name), ['Mix']);
      assert.equal((await call(serving.port, 'GET', '/api/v1/player/status', { token: 'wrong-token-wrong-token' })).status, 401);
      const play = await call(serving.port, 'POST', '/api/v1/player/play', { token });
      assert.equal(play.status, 200);
      assert.equal(play.body.state, 'playing');
    } finally {
      serving.child.kill('SIGINT');
    }
    assert.equal(await serving.exited, 0, serving.stderr());
    assert.match(serving.stderr(), /Using the token given with --token/);
  });

  it('creates the token file (0600, 64 hex characters) on first use and reuses it', async () => {
    const first = await startServe(cli, home, []);
    const file = path.join(home, 'playhead', 'api-token');
    let token: string;
    try {
      assert.match(first.stderr(), new RegExp(`a new token written to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      token = fs.readFileSync(file, 'utf8').trim();
      assert.match(token, /^[0-9a-f]{64}$/);
      if (process.platform !== 'win32') assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.equal((await call(first.port, 'GET', '/api/v1/player/status', { token })).status, 200);
    } finally {
      first.child.kill('SIGINT');
    }
    assert.equal(await first.exited, 0);
    const second = await startServe(cli, home, []);
    try {
      assert.match(second.stderr(), /Using the token in /);
      assert.equal((await call(second.port, 'GET', '/api/v1/player/status', { token })).status, 200);
    } finally {
      second.child.kill('SIGINT');
    }
    assert.equal(await second.exited, 0);
  });
});
