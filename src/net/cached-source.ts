import { Emitter } from '../base/event';
import type { CachedByteSource } from './http-cache';
import { redactUrl } from './errors';
import { sniffFormat, type FormatHint } from './sniff';
import type { BufferingState, NetworkSource } from './types';

/** A cached download presented like a network source: never starved, never a title. */
export class CachedNetworkSource implements NetworkSource {
  readonly live = false;
  readonly fromCache = true;
  readonly stationName = undefined;
  readonly title = undefined;
  private readonly titles = new Emitter<string>();
  private readonly bufferings = new Emitter<BufferingState>();
  readonly onDidChangeTitle = this.titles.event;
  readonly onDidChangeBuffering = this.bufferings.event;

  constructor(private readonly file: CachedByteSource) {}

  get uri(): string {
    return redactUrl(this.file.uri);
  }
  get size(): number {
    return this.file.size;
  }
  get contentType(): string | undefined {
    return this.file.meta.contentType;
  }
  get buffering(): BufferingState {
    return { starved: false, bufferedAhead: this.size, target: this.size, fraction: 1, downloaded: 0 };
  }
  read(offset: number, length: number): Promise<Buffer> {
    return this.file.read(offset, length);
  }
  async formatHint(): Promise<FormatHint> {
    return sniffFormat(this.contentType, await this.read(0, 4096));
  }
  whenCached(): Promise<boolean> {
    return Promise.resolve(true);
  }
  dispose(): void {
    this.titles.dispose();
    this.bufferings.dispose();
    this.file.dispose();
  }
}
