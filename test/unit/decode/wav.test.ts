import { describeConformance } from './conformance';

describe('decode: WAV (PCM 8/16/24-bit, float32, WAVE_FORMAT_EXTENSIBLE)', () => {
  describeConformance('wav');
});
