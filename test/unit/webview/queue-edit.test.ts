import * as assert from 'node:assert/strict';
import { indexAfterMove, moveItem } from '../../../webview/queue-edit';

describe('webview optimistic queue edits', () => {
  const items = ['a', 'b', 'c', 'd', 'e'];

  it('moves an item so it ends up at the target index', () => {
    assert.deepEqual(moveItem(items, 1, 3), ['a', 'c', 'd', 'b', 'e']);
    assert.deepEqual(moveItem(items, 4, 0), ['e', 'a', 'b', 'c', 'd']);
    assert.deepEqual(moveItem(items, 2, 2), items);
    assert.deepEqual(moveItem(items, 9, 0), items);
    assert.deepEqual(items, ['a', 'b', 'c', 'd', 'e'], 'the input is not changed');
  });

  it('keeps the current index on the same track', () => {
    for (let from = 0; from < items.length; from++) {
      for (let to = 0; to < items.length; to++) {
        const moved = moveItem(items, from, to);
        for (let current = 0; current < items.length; current++) {
          assert.equal(moved[indexAfterMove(current, from, to)], items[current], `from ${from} to ${to} current ${current}`);
        }
      }
    }
  });
});
