import { describeConformance } from './conformance';

describe('decode: MP3 (CBR and VBR with LAME/Xing gapless info)', () => {
  describeConformance('mp3');
});
