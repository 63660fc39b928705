import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import { activateExtension, waitFor } from './support';

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
});
