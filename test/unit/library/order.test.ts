import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { naturalCompare, sortTracks, sortedInsertionIndex } from '../../../src/library/order';
import type { ScannedTrack, TrackTags } from '../../../src/library/types';

function track(p: string, tags: Partial<TrackTags> = {}): ScannedTrack {
  const full = path.join('/music', p);
  return { path: full, folder: path.dirname(full), size: 1, mtimeMs: 1, tags: { hasCover: false, ...tags } };
}

const names = (tracks: readonly ScannedTrack[]) => tracks.map((t) => path.relative('/music', t.path));

describe('library/order', () => {
  it('compares names naturally and case-insensitively', () => {
    const sorted = ['10 x.mp3', '2 x.mp3', 'b.mp3', 'A.mp3', '1 x.mp3'].sort(naturalCompare);
    assert.deepEqual(sorted, ['1 x.mp3', '2 x.mp3', '10 x.mp3', 'A.mp3', 'b.mp3']);
  });

  it('orders by folder, then disc, then track number, then natural file name', () => {
    const tracks = [
      track('B/10 ten.mp3'),
      track('A/z.mp3', { discNumber: 2, trackNumber: 1 }),
      track('A/y.mp3', { discNumber: 1, trackNumber: 2 }),
      track('A/x.mp3', { discNumber: 1, trackNumber: 1 }),
      track('B/2 two.mp3'),
      track('A/untagged.mp3'),
      track('A/Sub/a.mp3'),
      track('A b/c.mp3'),
    ];
    assert.deepEqual(names(sortTracks(tracks)), [
      // A folder's own files before its subfolders; "A" before "A b" (prefix first).
      'A/x.mp3',
      'A/y.mp3',
      // No track number: after the numbered tracks of disc 1 (a missing disc counts as 1).
      'A/untagged.mp3',
      'A/z.mp3',
      'A/Sub/a.mp3',
      'A b/c.mp3',
      'B/2 two.mp3',
      'B/10 ten.mp3',
    ]);
  });

  it('is a total, stable order: equal keys fall back to the path', () => {
    const a = track('A/Song.mp3');
    const b = track('A/song.mp3');
    assert.deepEqual(names(sortTracks([a, b])), names(sortTracks([b, a])));
  });

  it('finds where a track belongs in a sorted list', () => {
    const sorted = sortTracks([track('A/1.mp3'), track('A/3.mp3'), track('C/1.mp3')]);
    assert.equal(sortedInsertionIndex(sorted, track('A/2.mp3')), 1);
    assert.equal(sortedInsertionIndex(sorted, track('B/1.mp3')), 2);
    assert.equal(sortedInsertionIndex(sorted, track('D/1.mp3')), 3);
    assert.equal(sortedInsertionIndex([], track('D/1.mp3')), 0);
  });
});
