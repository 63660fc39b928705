/**
 * An audio output. Every sink takes interleaved signed 16-bit little-endian PCM in the format
 * it was opened with, applies back-pressure through write(), and says how much of what was
 * written has actually been heard (the position is derived from that, cmus-style, never from
 * a wall clock of its own).
 */

export interface PcmFormat {
  readonly sampleRate: number;
  readonly channels: number;
}

export interface AudioSink {
  /** For logs and stats, e.g. 'naudiodon: default', 'null', 'wav:/tmp/x.wav', 'aplay'. */
  readonly name: string;
  readonly format: PcmFormat;
  /**
   * True when the device must be fed continuously (a clocked device that would underflow):
   * the engine then writes silence while paused or starved.
   */
  readonly needsContinuousFeed: boolean;
  /**
   * True when the samples are thrown away (the null sink): the engine then skips converting
   * them while no gain ramp is moving and writes zeros of the same length, as mpv's null output
   * takes its decoder's samples without converting them.
   */
  readonly discardsAudio?: boolean;
  /**
   * False while a device that has to start (PortAudio through a sound server) has not begun to
   * play in real time: its first writes only fill buffers and the position does not move yet.
   * Sinks that play from the first write leave it undefined.
   */
  readonly started?: boolean;
  /** Preferred frames per write(); the engine writes pieces of about this size. */
  readonly writeFrames: number;
  /**
   * Resolves when the sink accepted `pcm` (it may wait while the device queue is full). The
   * caller reuses `pcm` for the next write once this resolves: a sink that keeps the bytes
   * longer (a stream's queue) must copy them. A sink never writes into `pcm`.
   */
  write(pcm: Buffer): Promise<void>;
  /** Frames written so far that the listener has heard (written - still queued - latency). */
  consumedFrames(): number;
  /** Total frames written. */
  readonly writtenFrames: number;
  /** Stop and release the device. Audio still queued may be dropped. Idempotent. */
  close(): Promise<void>;
}

export function framesOf(bytes: number, channels: number): number {
  return bytes / (channels * 2);
}
