import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, fixtureFolder, waitFor } from './support';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

describe('REST API served by the extension', () => {
  const config = () => vscode.workspace.getConfiguration('playhead.api');
  after(async () => {
    await config().update('enabled', undefined, vscode.ConfigurationTarget.Global);
    await config().update('port', undefined, vscode.ConfigurationTarget.Global);
  });

  it('starts when enabled and answers status with the token from "Copy API Token"', async () => {
    const ext = await activateExtension();
    const port = await freePort();
    await config().update('port', port, vscode.ConfigurationTarget.Global);
    await config().update('enabled', true, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('playhead.copyApiToken');
    const token = await vscode.env.clipboard.readText();
    assert.ok(token.length >= 32, 'a generated token');

    const url = `http://127.0.0.1:${port}/api/v1/player/status`;
    const response = await waitFor('the API to listen', () => fetch(url, { headers: { authorization: `Bearer ${token}` } }).catch(() => undefined), 10_000);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { state: string; version: number };
    assert.equal(body.state, ext.player.snapshot.state);

    const refused = await fetch(url, { headers: { authorization: 'Bearer wrong-token-wrong-token' } });
    assert.equal(refused.status, 401);

    await config().update('enabled', false, vscode.ConfigurationTarget.Global);
    await waitFor('the API to stop listening', () => fetch(url).then(() => false, () => true), 10_000);
  });
});

describe('diagnostics in the extension host', () => {
  it('"Copy Diagnostics" reports host memory and live resources', async () => {
    await activateExtension();
    await vscode.commands.executeCommand('playhead.copyDiagnostics');
    const report = await vscode.env.clipboard.readText();
    assert.match(report, /## Memory/);
    assert.match(report, /heap/i);
    assert.match(report, /## Live resources \(host\)/);
  });

  it('shows the engine\'s memory, resources and decode speed while playing; Write Heap Snapshot writes the host\'s and the engine\'s', async function () {
    this.timeout(120_000);
    const ext = await activateExtension();
    const folder = fixtureFolder('diagnostics', ['tone-wav16.wav']);
    await vscode.commands.executeCommand('playhead.playFolder', vscode.Uri.file(folder));
    await waitFor('playing', () => ext.player.snapshot.state === 'playing');
    try {
      await vscode.commands.executeCommand('playhead.copyDiagnostics');
      const report = await vscode.env.clipboard.readText();
      // The engine column is filled from the engine process's own answer.
      assert.match(report, /\| External \| [^|]+ \| [\d.]+ [KM]?B \|/);
      assert.match(report, /\| Uptime \| [^|]+ \| \d+ (s|min)/);
      assert.match(report, /\| Live resources \| [^|]*decoder 1/);
      assert.match(report, /\| Decode speed \| [\d.]+× real time \|/);
      assert.match(report, /\| child-process \| 1 \|/, 'the host counts the engine child');

      // The command waits for its notification to be dismissed: look for the files instead.
      const dir = path.join(ext.context.globalStorageUri.fsPath, 'heap-snapshots');
      fs.rmSync(dir, { recursive: true, force: true });
      void vscode.commands.executeCommand('playhead.writeHeapSnapshot');
      const files = await waitFor(
        'a host and an engine heap snapshot',
        () => {
          const written = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
          const host = written.find((f) => f.startsWith(`playhead-host-${process.pid}-`));
          const engine = written.find((f) => f.startsWith(`playhead-engine-${ext.engine.pid}-`));
          return host && engine && fs.statSync(path.join(dir, engine)).size > 0 ? [host, engine] : undefined;
        },
        100_000,
      );
      assert.equal(files.length, 2);
    } finally {
      await vscode.commands.executeCommand('playhead.stop');
    }
    const stopped = await ext.engine.diagnostics();
    assert.equal(stopped?.resources.decoder ?? 0, 0, `no decoder left after stop: ${JSON.stringify(stopped?.resources)}`);
  });
});
