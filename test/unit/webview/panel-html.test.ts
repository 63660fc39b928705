import * as assert from 'node:assert/strict';
import { contentSecurityPolicy, renderPanelHtml } from '../../../src/vscode/panel/html';

describe('player panel HTML', () => {
  const input = {
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    nonce: 'abc123+/=',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/main.js',
    styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/styles.css',
    codiconUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/codicons/codicon.css',
  };

  it('has a strict CSP: nothing by default, scripts only by nonce', () => {
    const csp = contentSecurityPolicy(input.cspSource, input.nonce);
    assert.equal(
      csp,
      "default-src 'none'; img-src https://file+.vscode-resource.vscode-cdn.net data:; " +
        'style-src https://file+.vscode-resource.vscode-cdn.net; font-src https://file+.vscode-resource.vscode-cdn.net; ' +
        "script-src 'nonce-abc123+/='",
    );
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  });

  it('loads the script with the nonce and the stylesheets, and nothing inline', () => {
    const html = renderPanelHtml(input);
    assert.match(html, /<script nonce="abc123\+\/=" src="https:\/\/file\+\.vscode-resource[^"]*\/main\.js"><\/script>/);
    assert.match(html, /href="[^"]*codicon\.css"/);
    assert.match(html, /href="[^"]*styles\.css"/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.doesNotMatch(html, /style="/);
  });

  it('escapes attribute values', () => {
    const html = renderPanelHtml({ ...input, scriptUri: 'x" onload="alert(1)' });
    assert.doesNotMatch(html, /" onload="/);
  });
});
