import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { deferred, icyRadio } from '../../unit/net/server';
import { activateExtension, repoPath, waitFor } from './support';

describe('Play URL in the extension host', () => {
  let server: http.Server;
  let requests = 0;
  // A station whose StreamTitle changes mid-stream: the second part is held back until the test releases it.
  const radio = deferred();
  before(async () => {
    const body = fs.readFileSync(repoPath('test/fixtures/media/tone-mp3-cbr.mp3'));
    const { first, rest } = icyRadio(body, 4000, { 0: 'Artist - First', 5: 'Artist - Second' }, 5);
    server = http.createServer((request, response) => {
      requests++;
      if (request.url === '/radio') {
        response.writeHead(200, { 'content-type': 'audio/mpeg', 'icy-name': 'Loopback FM', 'icy-metaint': '4000' });
        response.write(first);
        void radio.promise.then(() => response.end(rest));
        return;
      }
      if (request.url !== '/tone.mp3') {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': body.length }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    radio.resolve();
    await vscode.commands.executeCommand('playhead.stop');
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const url = (file: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/${file}`;

  it('plays an http URL through the engine', async () => {
    // What reaches the speakers is checked by the Play Folder test (same engine and output);
    // here the point is the network source: fetched, decoded, playing on, with its length known.
    const ext = await activateExtension();
    await vscode.commands.executeCommand('playhead.playUrl', url('tone.mp3'));
    await waitFor('playing the URL', () => ext.player.snapshot.state === 'playing' && ext.player.snapshot.positionMs > 300, 15_000);
    assert.equal(ext.player.snapshot.track?.uri, url('tone.mp3'));
    assert.ok(requests >= 1, 'the engine fetched the URL');
    const duration = ext.player.snapshot.durationMs;
    assert.ok(duration !== undefined && Math.abs(duration - 2000) < 60, `decoded length over HTTP: ${duration} ms`);
  });

  it('a dead URL ends in a clear error, not a hang', async () => {
    const ext = await activateExtension();
    await vscode.commands.executeCommand('playhead.playUrl', url('missing.mp3'));
    const error = await waitFor('an error in the player state', () => ext.player.snapshot.error, 20_000);
    assert.match(error.message, /404|not found/i);
    await waitFor('the player to stop', () => ext.player.snapshot.state === 'stopped', 20_000);
  });

  it("shows a stream's ICY title as now playing as it changes, and Buffering with progress while the stream stalls", async () => {
    const ext = await activateExtension();
    await vscode.commands.executeCommand('playhead.playUrl', url('radio'));
    // What the status bar and the panel render.
    const view = () => ext.viewModel.getState();
    await waitFor('the first stream title', () => view().streamTitle === 'Artist - First', 15_000);
    // The server holds the rest back: the engine runs dry and the player shows Buffering.
    const buffering = await waitFor('Buffering with a progress figure', () => view().state === 'buffering' && view().bufferingProgress !== undefined && view(), 15_000);
    assert.equal(buffering.streamTitle, 'Artist - First');
    radio.resolve();
    await waitFor('the second stream title', () => view().streamTitle === 'Artist - Second', 15_000);
    assert.equal(view().track?.id, url('radio'));
  });
});
