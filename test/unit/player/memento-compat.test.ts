import * as assert from 'node:assert/strict';
import type { Memento } from 'vscode';
import type { StateStore } from '../../../src/player/store';

/**
 * Compile-time check (run by `tsc --noEmit`): VS Code's Memento (globalState/workspaceState)
 * can be handed to the Player as its StateStore without an adapter. `import type` is erased,
 * so this runs without VS Code.
 */
function asStore(memento: Memento): StateStore {
  return memento;
}

describe('StateStore', () => {
  it('is satisfied by VS Code Memento (checked by the type checker)', () => {
    assert.equal(typeof asStore, 'function');
  });
});
