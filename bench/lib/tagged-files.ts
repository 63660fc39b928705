/**
 * Small, valid, tagged audio files built in memory, for library tests and benchmarks: no
 * ffmpeg or fixture files needed. The audio is silence (MP3 frames of zeros, PCM zeros) —
 * enough for a tag parser, which reads headers and never decodes.
 *
 *   mp3File(tags)   ID3v2.3 tag (UTF-16 text, TXXX ReplayGain, optional APIC) + MPEG-1 L3 frames
 *   flacFile(tags)  fLaC + STREAMINFO + VORBIS_COMMENT (+ optional PICTURE), no audio frames
 *   wavFile(tags)   RIFF/WAVE PCM with a LIST/INFO chunk
 */

export interface FileTags {
  readonly title?: string;
  readonly artist?: string;
  readonly album?: string;
  readonly albumArtist?: string;
  /** "3" or "3/12". */
  readonly track?: string;
  readonly disc?: string;
  readonly year?: string;
  readonly genre?: string;
  readonly replayGainTrackGain?: string;
  readonly replayGainTrackPeak?: string;
  readonly replayGainAlbumGain?: string;
  readonly replayGainAlbumPeak?: string;
  /** An embedded picture (PNG bytes). */
  readonly cover?: Uint8Array;
}

// ---------------------------------------------------------------------------------- MP3 ----

/** MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, stereo, no padding: 417-byte frames. */
const MP3_FRAME_HEADER = Buffer.from([0xff, 0xfb, 0x90, 0x00]);
const MP3_FRAME_BYTES = 417;

export function mp3Frames(count: number): Buffer {
  const frames = Buffer.alloc(MP3_FRAME_BYTES * count);
  for (let i = 0; i < count; i++) MP3_FRAME_HEADER.copy(frames, i * MP3_FRAME_BYTES);
  return frames;
}

export function mp3File(tags: FileTags, options: { frames?: number; audio?: Buffer } = {}): Buffer {
  return Buffer.concat([id3v23(tags), options.audio ?? mp3Frames(options.frames ?? 20)]);
}

/** An ID3v2.3 tag. Text frames are UTF-16 with BOM so any Unicode text survives. */
export function id3v23(tags: FileTags): Buffer {
  const frames: Buffer[] = [];
  const text = (id: string, value: string | undefined) => {
    if (value !== undefined) frames.push(id3Frame(id, Buffer.concat([Buffer.from([1]), utf16(value)])));
  };
  const userText = (description: string, value: string | undefined) => {
    if (value === undefined) return;
    frames.push(id3Frame('TXXX', Buffer.concat([Buffer.from([1]), utf16(description), Buffer.from([0, 0]), utf16(value)])));
  };
  text('TIT2', tags.title);
  text('TPE1', tags.artist);
  text('TALB', tags.album);
  text('TPE2', tags.albumArtist);
  text('TRCK', tags.track);
  text('TPOS', tags.disc);
  text('TYER', tags.year);
  text('TCON', tags.genre);
  userText('REPLAYGAIN_TRACK_GAIN', tags.replayGainTrackGain);
  userText('REPLAYGAIN_TRACK_PEAK', tags.replayGainTrackPeak);
  userText('REPLAYGAIN_ALBUM_GAIN', tags.replayGainAlbumGain);
  userText('REPLAYGAIN_ALBUM_PEAK', tags.replayGainAlbumPeak);
  if (tags.cover) {
    // encoding latin1, MIME, NUL, picture type 3 (front cover), empty description, NUL, data
    frames.push(id3Frame('APIC', Buffer.concat([Buffer.from([0]), Buffer.from('image/png\0', 'latin1'), Buffer.from([3, 0]), tags.cover])));
  }
  const body = Buffer.concat(frames);
  const header = Buffer.from([0x49, 0x44, 0x33, 3, 0, 0, ...synchsafe(body.length)]);
  return Buffer.concat([header, body]);
}

function id3Frame(id: string, data: Buffer): Buffer {
  const header = Buffer.alloc(10);
  header.write(id, 0, 'latin1');
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

function utf16(value: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(value, 'utf16le')]);
}

function synchsafe(n: number): number[] {
  return [(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f];
}

// --------------------------------------------------------------------------------- FLAC ----

export function flacFile(tags: FileTags, options: { seconds?: number; sampleRate?: number } = {}): Buffer {
  const sampleRate = options.sampleRate ?? 44100;
  const totalSamples = Math.round((options.seconds ?? 1) * sampleRate);
  const streamInfo = Buffer.alloc(34);
  streamInfo.writeUInt16BE(4096, 0); // min block size
  streamInfo.writeUInt16BE(4096, 2); // max block size
  // sample rate (20 bits) | channels-1 (3 bits) | bits per sample-1 (5 bits) | total samples (36 bits)
  const channels = 2;
  const bits = 16;
  const packed = (BigInt(sampleRate) << 44n) | (BigInt(channels - 1) << 41n) | (BigInt(bits - 1) << 36n) | BigInt(totalSamples);
  streamInfo.writeBigUInt64BE(packed, 10);

  const comments: string[] = [];
  const add = (key: string, value: string | undefined) => value !== undefined && comments.push(`${key}=${value}`);
  add('TITLE', tags.title);
  add('ARTIST', tags.artist);
  add('ALBUM', tags.album);
  add('ALBUMARTIST', tags.albumArtist);
  add('TRACKNUMBER', tags.track);
  add('DISCNUMBER', tags.disc);
  add('DATE', tags.year);
  add('GENRE', tags.genre);
  add('REPLAYGAIN_TRACK_GAIN', tags.replayGainTrackGain);
  add('REPLAYGAIN_TRACK_PEAK', tags.replayGainTrackPeak);
  add('REPLAYGAIN_ALBUM_GAIN', tags.replayGainAlbumGain);
  add('REPLAYGAIN_ALBUM_PEAK', tags.replayGainAlbumPeak);
  const vendor = Buffer.from('playhead-test', 'utf8');
  const parts: Buffer[] = [le32(vendor.length), vendor, le32(comments.length)];
  for (const comment of comments) {
    const bytes = Buffer.from(comment, 'utf8');
    parts.push(le32(bytes.length), bytes);
  }
  const blocks: [number, Buffer][] = [
    [0, streamInfo],
    [4, Buffer.concat(parts)],
  ];
  if (tags.cover) {
    const mime = Buffer.from('image/png', 'ascii');
    const picture = Buffer.concat([
      be32(3), be32(mime.length), mime, be32(0), // type, MIME, empty description
      be32(1), be32(1), be32(24), be32(0), // width, height, depth, colours
      be32(tags.cover.length), Buffer.from(tags.cover),
    ]);
    blocks.push([6, picture]);
  }
  const encoded = blocks.map(([type, data], i) => {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(data.length, 0);
    header[0] = (i === blocks.length - 1 ? 0x80 : 0) | type;
    return Buffer.concat([header, data]);
  });
  return Buffer.concat([Buffer.from('fLaC', 'ascii'), ...encoded]);
}

function le32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}

function be32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
}

// ---------------------------------------------------------------------------------- WAV ----

/** 16-bit stereo PCM silence with RIFF INFO tags (INAM title, IART artist, IPRD album...). */
export function wavFile(tags: FileTags, options: { seconds?: number; sampleRate?: number } = {}): Buffer {
  const sampleRate = options.sampleRate ?? 8000;
  const channels = 2;
  const frames = Math.round((options.seconds ?? 0.25) * sampleRate);
  const data = Buffer.alloc(frames * channels * 2);
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(sampleRate, 4);
  fmt.writeUInt32LE(sampleRate * channels * 2, 8);
  fmt.writeUInt16LE(channels * 2, 12);
  fmt.writeUInt16LE(16, 14);
  const info: Buffer[] = [Buffer.from('INFO', 'ascii')];
  const add = (id: string, value: string | undefined) => {
    if (value === undefined) return;
    info.push(chunk(id, Buffer.from(`${value}\0`, 'utf8')));
  };
  add('INAM', tags.title);
  add('IART', tags.artist);
  add('IPRD', tags.album);
  add('ITRK', tags.track);
  add('ICRD', tags.year);
  add('IGNR', tags.genre);
  const body = Buffer.concat([Buffer.from('WAVE', 'ascii'), chunk('fmt ', fmt), chunk('LIST', Buffer.concat(info)), chunk('data', data)]);
  return Buffer.concat([Buffer.from('RIFF', 'ascii'), le32(body.length), body]);
}

function chunk(id: string, data: Buffer): Buffer {
  const padded = data.length % 2 === 1 ? Buffer.concat([data, Buffer.alloc(1)]) : data;
  return Buffer.concat([Buffer.from(id, 'ascii'), le32(data.length), padded]);
}

/** A 1x1 PNG, for cover tests. */
export const TINY_PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082',
  'hex',
);
