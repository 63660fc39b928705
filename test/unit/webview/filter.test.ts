import * as assert from 'node:assert/strict';
import { filterIndices, matchRanges, normalizeForSearch, queryWords, searchKey } from '../../../webview/filter';

describe('webview queue filter', () => {
  const items = [
    { title: 'Formation', artist: 'Beyoncé', album: 'Lemonade' },
    { title: 'Starálfur', artist: 'Sigur Rós', album: 'Ágætis byrjun' },
    { title: 'Get Lucky', artist: 'Daft Punk', album: 'Random Access Memories' },
    { title: 'Untitled', artist: undefined, album: undefined },
  ];
  const keys = items.map(searchKey);

  it('ignores case and accents', () => {
    assert.equal(normalizeForSearch('ÁGÆTIS Byrjun'), 'agætis byrjun'); // Æ is a letter, not A + accent
    assert.deepEqual(filterIndices(keys, 'beyonce'), [0]);
    assert.deepEqual(filterIndices(keys, 'BEYONCÉ'), [0]);
    assert.deepEqual(filterIndices(keys, 'staralfur'), [1]);
    assert.deepEqual(filterIndices(keys, 'ROS'), [1]);
  });

  it('matches title, artist and album, every word somewhere', () => {
    assert.deepEqual(filterIndices(keys, 'lemonade'), [0]);
    assert.deepEqual(filterIndices(keys, 'daft lucky'), [2]);
    assert.deepEqual(filterIndices(keys, 'daft formation'), []);
    assert.deepEqual(filterIndices(keys, 'a'), [0, 1, 2]);
  });

  it('does not match across field boundaries', () => {
    // "lemonade" + artist "beyoncé" must not form "ebey" style matches across fields.
    assert.deepEqual(filterIndices(keys, 'formationbeyonce'), []);
  });

  it('treats a blank query as no filter', () => {
    assert.equal(filterIndices(keys, ''), undefined);
    assert.equal(filterIndices(keys, '   '), undefined);
    assert.deepEqual(queryWords('  Sigur   Rós '), ['sigur', 'ros']);
  });

  it('copes with missing artist and album', () => {
    assert.deepEqual(filterIndices(keys, 'untitled'), [3]);
  });
});

describe('webview filter highlights', () => {
  it('finds words in the original text, accents and case ignored', () => {
    assert.deepEqual(matchRanges('Sigur Rós', queryWords('ros')), [[6, 9]]);
    assert.deepEqual(matchRanges('Beyoncé', queryWords('BEYONCE')), [[0, 7]]);
    assert.deepEqual(matchRanges('abcabc', queryWords('bc')), [[1, 3], [4, 6]]);
  });

  it('merges overlapping matches of several words', () => {
    assert.deepEqual(matchRanges('Starálfur', queryWords('star tara')), [[0, 5]]);
  });

  it('maps decomposed input and astral characters back correctly', () => {
    const decomposed = 'Ro\u0301s'; // o + combining acute
    assert.deepEqual(matchRanges(decomposed, queryWords('ros')), [[0, 4]]);
    assert.deepEqual(matchRanges('🎵 Jazz', queryWords('jazz')), [[3, 7]]);
    assert.deepEqual(matchRanges('🎵 Jazz', queryWords('🎵')), [[0, 2]]);
  });

  it('finds nothing without words', () => {
    assert.deepEqual(matchRanges('anything', []), []);
  });
});
