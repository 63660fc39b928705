import * as assert from 'node:assert/strict';
import { userConfigDir } from '../../../src/base/config-dir';

describe('userConfigDir', () => {
  it('follows XDG on Linux, ignoring a relative XDG_CONFIG_HOME', () => {
    assert.equal(userConfigDir('playhead', {}, 'linux', '/home/ann'), '/home/ann/.config/playhead');
    assert.equal(userConfigDir('playhead', { XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/ann'), '/xdg/playhead');
    assert.equal(userConfigDir('playhead', { XDG_CONFIG_HOME: 'rel' }, 'linux', '/home/ann'), '/home/ann/.config/playhead');
  });

  it('uses Application Support on macOS and APPDATA on Windows', () => {
    assert.equal(userConfigDir('playhead', {}, 'darwin', '/Users/ann'), '/Users/ann/Library/Application Support/playhead');
    assert.equal(
      userConfigDir('playhead', { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ann'),
      'C:\\Users\\ann\\AppData\\Roaming\\playhead',
    );
    assert.equal(userConfigDir('playhead', {}, 'win32', 'C:\\Users\\ann'), 'C:\\Users\\ann\\AppData\\Roaming\\playhead');
  });
});
