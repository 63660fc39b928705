import { describeConformance } from './conformance';

describe('decode: M4A/AAC (moov at start and at end, edit-list gapless)', () => {
  // FAAD2 (ours) and ffmpeg's AAC decoder differ around the onset and cut-off transients:
  // up to ~40 LSB (measured 37) in the first and last three access units. Sample placement is
  // exact (a one-frame offset gives errors in the thousands) and everything between is ±1 LSB.
  describeConformance('aac', { edges: { frames: 3072, toleranceLsb: 64 } });
});
