/**
 * SHOUTcast/Icecast in-band metadata. With `Icy-MetaData: 1` the server sends, after every
 * `icy-metaint` audio bytes, one length byte (×16) and that many bytes of text such as
 * `StreamTitle='Artist - Title';StreamUrl='';` padded with NULs. The demuxer removes those
 * blocks so the decoder sees the audio exactly as encoded.
 */
export class IcyDemuxer {
  /** Audio bytes left before the next length byte. */
  private audioLeft: number;
  /** Metadata bytes left in the current block (undefined: not inside a block). */
  private metaLeft: number | undefined;
  private metaParts: Buffer[] = [];
  private lastTitle: string | undefined;
  /** Audio bytes returned so far: where in the audio a title block stands. */
  private audioOut = 0;

  constructor(
    private readonly metaint: number,
    /** `at`: the audio byte (counted from this demuxer's first) the title applies from. */
    private readonly onTitle: (title: string, at: number) => void,
  ) {
    if (!Number.isInteger(metaint) || metaint <= 0) throw new RangeError(`invalid icy-metaint ${metaint}`);
    this.audioLeft = metaint;
  }

  /** Feed bytes as they arrive; returns the audio part (a view into `chunk` when possible). */
  push(chunk: Buffer): Buffer {
    const audio: Buffer[] = [];
    let p = 0;
    while (p < chunk.length) {
      if (this.metaLeft !== undefined) {
        const take = Math.min(this.metaLeft, chunk.length - p);
        this.metaParts.push(chunk.subarray(p, p + take));
        this.metaLeft -= take;
        p += take;
        if (this.metaLeft === 0) this.endBlock();
      } else if (this.audioLeft > 0) {
        const take = Math.min(this.audioLeft, chunk.length - p);
        audio.push(chunk.subarray(p, p + take));
        this.audioLeft -= take;
        this.audioOut += take;
        p += take;
      } else {
        const length = chunk[p++]! * 16;
        if (length === 0) this.audioLeft = this.metaint;
        else this.metaLeft = length;
      }
    }
    return audio.length === 1 ? audio[0]! : Buffer.concat(audio);
  }

  private endBlock(): void {
    const block = Buffer.concat(this.metaParts);
    this.metaParts = [];
    this.metaLeft = undefined;
    this.audioLeft = this.metaint;
    const title = parseStreamTitle(block);
    if (title !== undefined && title !== this.lastTitle) {
      this.lastTitle = title;
      this.onTitle(title, this.audioOut);
    }
  }
}

/** The StreamTitle of one metadata block, or undefined when it has none. */
export function parseStreamTitle(block: Uint8Array): string | undefined {
  const text = decodeMetadataText(block).replace(/\0+$/, '');
  // The title may itself contain quotes: it ends at the `';` before the next key or the end.
  const match = /StreamTitle='([\s\S]*?)';(?=\s*(?:[A-Za-z]+='|$))/.exec(text);
  return match ? match[1]!.trim() : undefined;
}

/** UTF-8 when the bytes are valid UTF-8, else Latin-1 (what most older servers send). */
export function decodeMetadataText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
}
