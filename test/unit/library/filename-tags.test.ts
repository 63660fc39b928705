import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { guessFromPath, withPathFallbacks } from '../../../src/library/filename-tags';

const p = (...parts: string[]) => path.join(path.sep, 'music', ...parts);

describe('library/filename-tags', () => {
  it('reads "01 - Artist - Title"', () => {
    assert.deepEqual(guessFromPath(p('Album', '01 - Björk - Jóga.mp3')), {
      title: 'Jóga',
      artist: 'Björk',
      album: 'Album',
      trackNumber: 1,
      discNumber: undefined,
    });
  });

  it('reads track-number prefixes in their common spellings', () => {
    assert.equal(guessFromPath(p('A', '07 - Title.mp3')).trackNumber, 7);
    assert.equal(guessFromPath(p('A', '07. Title.mp3')).title, 'Title');
    assert.equal(guessFromPath(p('A', '07 Title.mp3')).trackNumber, 7);
    const discTrack = guessFromPath(p('A', '2-05 Title.m4a'));
    assert.deepEqual([discTrack.discNumber, discTrack.trackNumber, discTrack.title], [2, 5, 'Title']);
  });

  it('reads "Artist - Title" and plain titles, keeping non-ASCII intact', () => {
    const g = guessFromPath(p('Misc', 'Сплин - Романс.flac'));
    assert.deepEqual([g.artist, g.title, g.trackNumber], ['Сплин', 'Романс', undefined]);
    assert.equal(guessFromPath(p('Misc', '夜に駆ける.ogg')).title, '夜に駆ける');
  });

  it('uses the folder as album, and the parent for CD/Disc folders', () => {
    const g = guessFromPath(p('Great Album', 'CD2', '01 - x.mp3'));
    assert.deepEqual([g.album, g.discNumber], ['Great Album', 2]);
  });

  it('fills only what the tags lack and records what it guessed', () => {
    const filled = withPathFallbacks(p('Album', '03 - Someone - Guess.mp3'), { title: 'Tagged', hasCover: false });
    assert.equal(filled.title, 'Tagged');
    assert.equal(filled.artist, undefined, 'the name says nothing about the artist of a tagged title');
    assert.equal(filled.album, 'Album');
    assert.equal(filled.trackNumber, 3);
    assert.deepEqual(filled.inferred, ['album', 'trackNumber']);
    const untouched = { title: 'T', artist: 'A', album: 'B', trackNumber: 1, hasCover: true };
    assert.equal(withPathFallbacks(p('x', 'y.mp3'), untouched), untouched);
  });
});
