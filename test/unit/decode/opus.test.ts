import { describeConformance } from './conformance';

describe('decode: Ogg Opus', () => {
  describeConformance('opus');
});
