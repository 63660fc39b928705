import { DecodeError, type ByteSource } from '../types';
import { parsePage, type OggPage } from './page';

const READ_BYTES = 64 * 1024;
/** A live stream (no size) arrives in real time: read less at a time so sound starts sooner. */
const LIVE_READ_BYTES = 16 * 1024;

/** Pages of one logical stream, in order, from a byte offset. Fresh buffer per read. */
export class OggPageReader {
  private buffer: Uint8Array = new Uint8Array(0);
  /** File offset of buffer[0]. */
  private base: number;
  private cursor = 0;
  private eof = false;

  constructor(
    private readonly source: ByteSource,
    start: number,
    private readonly serial: number | undefined,
    /** Bytes already read from `start` on (never modified). */
    head?: Uint8Array,
  ) {
    this.base = start;
    if (head) this.buffer = head;
  }

  /** File offset of the next unread byte. */
  get position(): number {
    return this.base + this.cursor;
  }

  /** The next page of our stream, or null at the end of the file (a cut-off last page ends it too). */
  async next(): Promise<OggPage | null> {
    for (;;) {
      const r = parsePage(this.buffer, this.cursor, this.base);
      if ('page' in r) {
        this.cursor += r.page.size;
        if (this.serial !== undefined && r.page.serial !== this.serial) continue; // another logical stream
        return r.page;
      }
      if ('invalid' in r) {
        throw new DecodeError('corrupt', `${this.source.uri}: damaged Ogg page at byte ${this.position}`, { byte: this.position });
      }
      if (this.eof) return null;
      await this.fill(Math.max(this.source.size === undefined ? LIVE_READ_BYTES : READ_BYTES, r.need));
    }
  }

  private async fill(wanted: number): Promise<void> {
    const more = await this.source.read(this.base + this.buffer.length, wanted);
    if (more.length < wanted) this.eof = true;
    const rest = this.buffer.subarray(this.cursor);
    const next = new Uint8Array(rest.length + more.length);
    next.set(rest, 0);
    next.set(more, rest.length);
    this.base += this.cursor;
    this.cursor = 0;
    this.buffer = next;
  }
}
