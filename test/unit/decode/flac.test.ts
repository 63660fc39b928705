import { describeConformance } from './conformance';

describe('decode: FLAC (16 and 24-bit, SEEKTABLE)', () => {
  describeConformance('flac');
});
