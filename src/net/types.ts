import type { Event } from '../base/event';
import type { ByteSource } from '../decode/types';
import type { FormatHint } from './sniff';

/** How full the read-ahead is, and whether a read is waiting for the network. */
export interface BufferingState {
  /** A read has waited longer than the threshold: the engine should report `starved` (Buffering). */
  readonly starved: boolean;
  /** Bytes downloaded ahead of the decoder. */
  readonly bufferedAhead: number;
  /** The read-ahead the source aims for. */
  readonly target: number;
  /** bufferedAhead / target, 0..1, for a Buffering progress display. */
  readonly fraction: number;
  /** Bytes received from the network so far (audio and metadata). */
  readonly downloaded: number;
}

/** A ByteSource for an http(s) URL: live or not, from the network or the disk cache. */
export interface NetworkSource extends ByteSource {
  /** Internet radio (no length): sequential reads only. */
  readonly live: boolean;
  readonly contentType: string | undefined;
  /** Served from the disk cache: no network at all. */
  readonly fromCache: boolean;
  /** The station's name (icy-name), for a stream. */
  readonly stationName: string | undefined;
  /** The latest ICY StreamTitle. */
  readonly title: string | undefined;
  readonly onDidChangeTitle: Event<string>;
  readonly buffering: BufferingState;
  readonly onDidChangeBuffering: Event<BufferingState>;
  /** Content-Type and magic bytes combined; call before reading far into a live stream. */
  formatHint(): Promise<FormatHint>;
  /** Resolves true once the complete download is stored in the cache, false once it will not be (at the latest on dispose). */
  whenCached(): Promise<boolean>;
}
