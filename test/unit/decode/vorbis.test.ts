import { describeConformance } from './conformance';

describe('decode: Ogg Vorbis', () => {
  describeConformance('vorbis');
});
