import * as assert from 'node:assert/strict';
import { formatTime, literalIcons } from '../../../src/vscode/format';

describe('vscode/format', () => {
  it('formats positions as m:ss, and h:mm:ss from an hour on', () => {
    assert.equal(formatTime(0), '0:00');
    assert.equal(formatTime(83_999), '1:23');
    assert.equal(formatTime(3_723_000), '1:02:03');
    assert.equal(formatTime(-5), '0:00');
  });

  it('keeps a "$(name)" in a title as text in the status bar, once escaped', () => {
    // The status bar's icon syntax, with VS Code's escape: a backslash before the dollar.
    const iconSyntax = /(?<!\\)\$\([a-z0-9-]+(?:~[a-z0-9-]*)?\)/i;
    const escaped = literalIcons('Song $(heart) by $(zap~spin) Band');
    assert.equal(escaped, 'Song \\$(heart) by \\$(zap~spin) Band');
    assert.doesNotMatch(escaped, iconSyntax);
    assert.equal(literalIcons('Plain title (live)'), 'Plain title (live)');
  });
});
