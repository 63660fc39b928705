import type { IncomingMessage } from 'node:http';
import { Emitter } from '../base/event';
import { Disposable, toDisposable } from '../base/lifecycle';
import type { CacheWriter, HttpCache } from './http-cache';
import { isRetryable, NetError, redactUrl } from './errors';
import { IcyDemuxer } from './icy';
import type { ProxySettings } from './proxy';
import { ReadAheadWindow } from './read-ahead';
import { MAX_REDIRECTS, requestFollowingRedirects } from './redirects';
import type { RequestInit } from './request';
import { DEFAULT_RETRY, RetryBudget, cancellableDelay, type RetryPolicy } from './retry';
import { sniffFormat, type FormatHint } from './sniff';
import type { BufferingState, NetworkSource } from './types';
import { CachedNetworkSource } from './cached-source';

export interface HttpSourceOptions extends ProxySettings {
  /** Until response headers arrive (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** openHttpSource gives up after this long in all, retries included (default 20 s). */
  readonly openTimeoutMs?: number;
  /** A connection that delivers nothing this long while we want data is dropped and retried (default 8 s). */
  readonly idleTimeoutMs?: number;
  /** A read that sees no new byte this long fails with a 'stalled' NetError (default 15 s). */
  readonly stallTimeoutMs?: number;
  /** A read waiting longer than this makes the source `starved` (default 250 ms). */
  readonly starvedAfterMs?: number;
  /** Bytes downloaded ahead of the decoder (default 2 MiB). */
  readonly readAheadBytes?: number;
  /** Bytes kept behind the decoder for its re-reads (default 1 MiB). */
  readonly keepBehindBytes?: number;
  /** A forward read at most this far past the downloaded end waits instead of a new range request (default 256 KiB). */
  readonly seekGapBytes?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly maxRedirects?: number;
  /** Finished downloads go here, and openHttpSource serves from it first. */
  readonly cache?: HttpCache;
  /** Ask the server whether a cached copy is still current (ETag/Last-Modified) instead of trusting it. */
  readonly revalidate?: boolean;
  /**
   * Reconnect a live stream after a drop and append the new connection's bytes (default
   * false: only sound once decoders resynchronise on a spliced stream; see `dropped`).
   */
  readonly reconnectLive?: boolean;
  /** Extra request headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Cancels opening (the first request and its retries). */
  readonly signal?: AbortSignal;
  readonly log?: (message: string) => void;
}

interface Settings {
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly stallTimeoutMs: number;
  readonly starvedAfterMs: number;
  readonly readAheadBytes: number;
  readonly keepBehindBytes: number;
  readonly seekGapBytes: number;
  readonly retry: RetryPolicy;
  readonly maxRedirects: number;
}

function settingsOf(options: HttpSourceOptions): Settings {
  return {
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 8_000,
    stallTimeoutMs: options.stallTimeoutMs ?? 15_000,
    starvedAfterMs: options.starvedAfterMs ?? 250,
    readAheadBytes: options.readAheadBytes ?? 2 * 1024 * 1024,
    keepBehindBytes: options.keepBehindBytes ?? 1024 * 1024,
    seekGapBytes: options.seekGapBytes ?? 256 * 1024,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    maxRedirects: options.maxRedirects ?? MAX_REDIRECTS,
  };
}

/** What the first response told about the resource. */
export interface ResourceFacts {
  readonly size: number | undefined;
  readonly live: boolean;
  readonly acceptsRanges: boolean;
  readonly contentType: string | undefined;
  readonly etag: string | undefined;
  readonly lastModified: string | undefined;
  readonly icyMetaint: number | undefined;
  readonly stationName: string | undefined;
}

export function describeResponse(response: IncomingMessage): ResourceFacts {
  const h = response.headers;
  const header = (name: string) => {
    const value = h[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const metaint = Number(header('icy-metaint'));
  const icyMetaint = Number.isInteger(metaint) && metaint > 0 ? metaint : undefined;
  let size: number | undefined;
  let acceptsRanges = header('accept-ranges')?.toLowerCase() === 'bytes';
  if (response.statusCode === 206) {
    const range = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(header('content-range') ?? '');
    acceptsRanges = true;
    if (range && range[3] !== '*') size = Number(range[3]);
  } else {
    const length = Number(header('content-length'));
    if (header('content-length') !== undefined && Number.isSafeInteger(length) && length >= 0) size = length;
  }
  // A stream announces itself with icy-* headers; anything without a length is read like one.
  const live = icyMetaint !== undefined || header('icy-name') !== undefined || header('icy-br') !== undefined || size === undefined;
  return {
    size: live ? undefined : size,
    live,
    acceptsRanges: acceptsRanges && !live,
    contentType: header('content-type'),
    etag: header('etag'),
    lastModified: header('last-modified'),
    icyMetaint,
    stationName: header('icy-name'),
  };
}

/**
 * Open an http(s) URL as a byte source: the disk cache first, else one request (following
 * redirects, retried with backoff) whose answer tells the size, range support and whether
 * it is a live stream. Fails with a NetError, after a bounded time.
 */
export async function openHttpSource(uri: string, options: HttpSourceOptions = {}): Promise<NetworkSource> {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new NetError('bad-url', `${redactUrl(uri)}: not a valid URL`);
  }
  const settings = settingsOf(options);
  const cache = options.cache;
  const validators: Record<string, string> = {};
  if (cache && !options.revalidate) {
    const cached = await cache.open(uri);
    if (cached) return new CachedNetworkSource(cached);
  } else if (cache) {
    const hit = await cache.lookup(uri);
    if (hit?.meta.etag) validators['If-None-Match'] = hit.meta.etag;
    if (hit?.meta.lastModified) validators['If-Modified-Since'] = hit.meta.lastModified;
  }
  const budget = new RetryBudget(settings.retry);
  // Retries times connect timeouts could add up to minutes on a black-holed host: one deadline bounds it all.
  const deadline = Date.now() + (options.openTimeoutMs ?? 20_000);
  for (;;) {
    const init: RequestInit = {
      ...options,
      connectTimeoutMs: Math.max(1, Math.min(settings.connectTimeoutMs, deadline - Date.now())),
      // Range on the first request too: a 206 tells us seeking works, and its Content-Range the size.
      headers: { 'Accept-Encoding': 'identity', Range: 'bytes=0-', 'Icy-MetaData': '1', ...validators, ...options.headers },
    };
    try {
      const { response, url: finalUrl } = await requestFollowingRedirects(url, init, settings.maxRedirects);
      if (response.statusCode === 304) {
        response.destroy();
        const cached = await cache?.open(uri);
        if (cached) return new CachedNetworkSource(cached);
        // Evicted in between: ask again, unconditionally.
        for (const key of Object.keys(validators)) delete validators[key];
        continue;
      }
      return new HttpByteSource(uri, finalUrl, response, describeResponse(response), settings, options);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      const delay = budget.nextDelay();
      if (delay === undefined || Date.now() + delay >= deadline) throw gaveUp(error as NetError, budget.retries);
      if (options.signal && !(await cancellableDelay(delay, options.signal))) throw new NetError('closed', `${redactUrl(uri)}: cancelled`);
      if (!options.signal) await new Promise((r) => setTimeout(r, delay));
    }
  }
}

function gaveUp(error: NetError, retries: number): NetError {
  if (retries === 0) return error;
  return new NetError(error.reason, `${error.message} (gave up after ${retries} ${retries === 1 ? 'retry' : 'retries'})`, error.status);
}

/**
 * An http(s) resource read through a bounded read-ahead window. One connection at a time
 * downloads sequentially from the window's end; it is paused when far enough ahead, resumed
 * when the decoder catches up, resumed with a Range request after a drop, and replaced by a
 * range request at the new offset when the decoder seeks outside the window.
 */
export class HttpByteSource extends Disposable implements NetworkSource {
  readonly size: number | undefined;
  readonly live: boolean;
  readonly contentType: string | undefined;
  readonly stationName: string | undefined;
  readonly fromCache = false;

  private readonly _onDidChangeTitle = this._register(new Emitter<string>());
  readonly onDidChangeTitle = this._onDidChangeTitle.event;
  private readonly _onDidChangeBuffering = this._register(new Emitter<BufferingState>());
  readonly onDidChangeBuffering = this._onDidChangeBuffering.event;

  private readonly window: ReadAheadWindow;
  private readonly abort = new AbortController();
  private readonly budget: RetryBudget;
  private acceptsRanges: boolean;
  /** Bumped for every new connection: events of older ones are ignored. */
  private generation = 0;
  private response: IncomingMessage | undefined;
  private paused = false;
  private connecting = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly pendingReads = new Set<(error: Error) => void>();
  private starved = false;
  private downloaded = 0;
  private lastProgressEvent = 0;
  private _title: string | undefined;
  /**
   * ICY titles demuxed but not yet reached by the decoder, by the byte they apply from: a
   * title is announced when reads get there, not when the download does (a server's burst
   * at connect, or the read-ahead, runs seconds ahead of what is heard).
   */
  private pendingTitles: { readonly at: number; readonly title: string }[] = [];
  private cacheWriter: CacheWriter | undefined;
  private readonly cached: Promise<boolean>;
  private readonly log: (message: string) => void;

  /** For messages (decoders use it too): the URL without its password. */
  readonly uri: string;

  constructor(
    /** As given: the cache key. */
    key: string,
    /** After redirects: reconnections go straight here. */
    private readonly url: URL,
    first: IncomingMessage,
    facts: ResourceFacts,
    private readonly settings: Settings,
    private readonly options: HttpSourceOptions,
  ) {
    super();
    this.uri = redactUrl(key);
    this.size = facts.size;
    this.live = facts.live;
    this.contentType = facts.contentType;
    this.stationName = facts.stationName;
    this.acceptsRanges = facts.acceptsRanges;
    this.log = options.log ?? (() => undefined);
    this.budget = new RetryBudget(settings.retry);
    this.window = new ReadAheadWindow({ readAhead: settings.readAheadBytes, keepBehind: settings.keepBehindBytes });
    if (options.cache && facts.size !== undefined) {
      this.cacheWriter = options.cache.beginWrite({
        url: key,
        size: facts.size,
        ...(facts.etag ? { etag: facts.etag } : {}),
        ...(facts.lastModified ? { lastModified: facts.lastModified } : {}),
        ...(facts.contentType ? { contentType: facts.contentType } : {}),
      });
    }
    this.cached = this.cacheWriter?.outcome ?? Promise.resolve(false);
    this._register(
      toDisposable(() => {
        this.abort.abort();
        this.generation++;
        this.closeConnection();
        clearTimeout(this.retryTimer);
        this.cacheWriter?.abandon();
        const closed = new NetError('closed', `${this.uri}: read after the source was closed`);
        for (const reject of [...this.pendingReads]) reject(closed);
        this.window.fail(closed);
      }),
    );
    this.attach(first, ++this.generation, 0);
  }

  get title(): string | undefined {
    return this._title;
  }

  get buffering(): BufferingState {
    const target = this.settings.readAheadBytes;
    const ahead = this.window.ahead;
    return { starved: this.starved, bufferedAhead: ahead, target, fraction: Math.min(1, ahead / target), downloaded: this.downloaded };
  }

  whenCached(): Promise<boolean> {
    return this.cached;
  }

  async formatHint(): Promise<FormatHint> {
    const head = await this.read(0, Math.min(4096, this.size ?? 4096));
    return sniffFormat(this.contentType, head);
  }

  async read(offset: number, length: number): Promise<Buffer> {
    if (this.isDisposed) throw new NetError('closed', `${this.uri}: read after the source was closed`);
    if (this.size !== undefined) length = Math.min(length, this.size - offset);
    if (length <= 0) return Buffer.alloc(0);
    if (offset < this.window.start) {
      if (this.live) {
        throw new NetError(
          'not-seekable',
          `${this.uri}: a live stream cannot go back to byte ${offset}; only bytes from ${this.window.start} are still buffered`,
        );
      }
      this.restartAt(offset);
    } else if (offset > this.window.end + this.settings.seekGapBytes && this.acceptsRanges) {
      this.restartAt(offset);
    }
    this.window.setPosition(offset);
    this.pump();
    if (!this.window.has(offset, length)) await this.waitFor(offset, length);
    if (this.window.has(offset, length)) {
      this.announceTitles(offset + length);
      return this.window.copy(offset, length);
    }
    throw this.window.error ?? new NetError('connection', `${this.uri}: no data at byte ${offset}`);
  }

  /** Wait for bytes, reporting starvation after a moment and failing after a stall. */
  private async waitFor(offset: number, length: number): Promise<void> {
    const s = this.settings;
    try {
      await new Promise<void>((resolve, reject) => {
        let seenEnd = this.window.end;
        let progressAt = Date.now();
        const starveTimer = setTimeout(() => this.setStarved(true), s.starvedAfterMs);
        const stallTimer = setInterval(
          () => {
            if (this.window.end !== seenEnd) {
              seenEnd = this.window.end;
              progressAt = Date.now();
            } else if (Date.now() - progressAt >= s.stallTimeoutMs) {
              fail(new NetError('stalled', `${this.uri}: no data for ${Math.round(s.stallTimeoutMs / 1000)} s (stalled at byte ${this.window.end})`));
            }
          },
          Math.max(10, Math.min(1000, s.stallTimeoutMs / 10)),
        );
        const done = () => {
          clearTimeout(starveTimer);
          clearInterval(stallTimer);
          this.pendingReads.delete(fail);
        };
        const fail = (error: Error) => {
          done();
          reject(error);
        };
        this.pendingReads.add(fail);
        void this.window.waitFor(offset, length).then(() => {
          done();
          resolve();
        });
        // The waiter may want more than the read-ahead target (a read larger than the window):
        // a connection paused at the target must resume for it.
        this.pump();
      });
    } finally {
      if (this.starved) this.setStarved(false);
    }
  }

  /** The decoder has read up to `end`: the titles of the bytes before it are now current. */
  private announceTitles(end: number): void {
    while (this.pendingTitles.length > 0 && this.pendingTitles[0]!.at < end && !this.isDisposed) {
      const { title } = this.pendingTitles.shift()!;
      this._title = title;
      this._onDidChangeTitle.fire(title);
    }
  }

  private setStarved(starved: boolean): void {
    if (this.starved === starved || this.isDisposed) return;
    this.starved = starved;
    this._onDidChangeBuffering.fire(this.buffering);
  }

  /** Drop the window and download from `offset` (a seek outside what is buffered). */
  private restartAt(offset: number): void {
    this.log(`${this.uri}: seeking the download to byte ${offset}`);
    this.generation++;
    this.closeConnection();
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.budget.reset();
    this.window.reset(offset);
    this.pendingTitles = [];
  }

  /** Make sure a connection is delivering whenever the window wants bytes. */
  private pump(): void {
    if (this.isDisposed || !this.window.wantsMore || this.retryTimer) return;
    if (this.response) {
      if (this.paused) {
        this.paused = false;
        this.response.resume();
        this.armIdle(this.generation);
      }
      return;
    }
    if (!this.connecting) void this.connect(this.window.end);
  }

  private async connect(offset: number): Promise<void> {
    const generation = ++this.generation;
    this.connecting = true;
    const headers: Record<string, string> = { 'Accept-Encoding': 'identity', ...this.options.headers };
    if (this.live) headers['Icy-MetaData'] = '1';
    else if (offset > 0 && this.acceptsRanges) headers.Range = `bytes=${offset}-`;
    try {
      const { response } = await requestFollowingRedirects(
        this.url,
        { ...this.options, connectTimeoutMs: this.settings.connectTimeoutMs, headers, signal: this.abort.signal },
        this.settings.maxRedirects,
      );
      if (generation !== this.generation) {
        response.destroy();
        return;
      }
      let skip = 0;
      if (!this.live && offset > 0) {
        if (response.statusCode === 206) {
          const start = Number(/^bytes\s+(\d+)-/i.exec(String(response.headers['content-range']))?.[1]);
          if (start !== offset) {
            response.destroy();
            throw new NetError('connection', `${this.uri}: asked for byte ${offset}, the server sent from byte ${start}`);
          }
        } else {
          // The server ignores ranges: read from the start and drop what we already have.
          if (this.acceptsRanges) this.log(`${this.uri}: the server ignored a range request; reading from the start`);
          this.acceptsRanges = false;
          skip = offset;
        }
      }
      this.attach(response, generation, skip);
    } catch (error) {
      this.dropped(generation, error);
    } finally {
      if (generation === this.generation) this.connecting = false;
    }
  }

  /** Feed a response into the window; `skip` bytes at its start are already here. */
  private attach(response: IncomingMessage, generation: number, skip: number): void {
    this.response = response;
    this.paused = false;
    this.connecting = false;
    // Each response says for itself whether it interleaves metadata (a reconnection may not).
    const metaint = describeResponse(response).icyMetaint;
    // Where this response's audio byte 0 lands in the source (its first `skip` bytes are dropped).
    const base = this.window.end - skip;
    const demuxer = metaint !== undefined ? new IcyDemuxer(metaint, (title, at) => this.pendingTitles.push({ at: base + at, title })) : undefined;
    this.armIdle(generation);
    response.on('data', (chunk: Buffer) => {
      if (generation !== this.generation) return;
      this.downloaded += chunk.length;
      this.armIdle(generation);
      let audio = demuxer ? demuxer.push(chunk) : chunk;
      if (skip > 0) {
        const n = Math.min(skip, audio.length);
        audio = audio.subarray(n);
        skip -= n;
      }
      if (this.size !== undefined) audio = audio.subarray(0, Math.max(0, this.size - this.window.end));
      if (audio.length === 0) return;
      this.budget.reset(); // data flows again: a later drop gets a fresh set of retries
      this.cacheWriter?.append(this.window.end, audio);
      this.window.append(audio);
      this.progressed();
      if (this.size !== undefined && this.window.end >= this.size) {
        this.finished(generation);
      } else if (!this.window.wantsMore) {
        this.paused = true;
        response.pause();
        clearTimeout(this.idleTimer);
      }
    });
    response.on('end', () => {
      if (generation !== this.generation) return;
      if (this.size === undefined) this.finished(generation);
      else if (this.window.end < this.size) this.dropped(generation, new NetError('connection', `${this.uri}: the connection closed at byte ${this.window.end} of ${this.size}`));
    });
    response.on('error', (error) => this.dropped(generation, error));
    response.on('close', () => {
      if (generation === this.generation && this.response === response && !this.window.ended) {
        this.dropped(generation, new NetError('connection', `${this.uri}: the connection dropped at byte ${this.window.end}`));
      }
    });
  }

  private finished(generation: number): void {
    if (generation !== this.generation) return;
    this.window.finish();
    this.closeConnection();
    const writer = this.cacheWriter;
    this.cacheWriter = undefined;
    void writer?.complete();
  }

  /** A connection failed: retry from where the window ends, or give up with a clear error. */
  private dropped(generation: number, error: unknown): void {
    if (generation !== this.generation || this.isDisposed) return;
    this.generation++;
    this.closeConnection();
    const netError = error instanceof NetError ? error : new NetError('connection', `${this.uri}: ${(error as Error)?.message ?? String(error)}`);
    if (netError.reason === 'closed') return;
    if (this.live && !this.options.reconnectLive) {
      // A new connection to a station starts a new stream: spliced behind the old bytes it is
      // damage to an MP3 decoder and, worse, an unknown Ogg serial that is skipped in silence.
      // Fail clearly instead; the player reloads the station (a fresh decoder) if it wants.
      this.window.fail(new NetError(netError.reason, `${this.uri}: the live stream was interrupted at byte ${this.window.end} (${netError.message})`));
      return;
    }
    const delay = isRetryable(netError) ? this.budget.nextDelay() : undefined;
    if (delay === undefined) {
      this.cacheWriter?.abandon();
      this.window.fail(isRetryable(netError) ? gaveUp(netError, this.budget.retries) : netError);
      return;
    }
    this.log(`${this.uri}: ${netError.message}; retrying from byte ${this.window.end} in ${delay} ms`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.pump();
    }, delay);
  }

  private armIdle(generation: number): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (generation === this.generation && !this.paused) {
        this.dropped(generation, new NetError('stalled', `${this.uri}: no data for ${this.settings.idleTimeoutMs} ms`));
      }
    }, this.settings.idleTimeoutMs);
  }

  private closeConnection(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const response = this.response;
    this.response = undefined;
    this.paused = false;
    this.connecting = false;
    response?.destroy();
  }

  /** Progress events while starved (throttled), so the Buffering display can move. */
  private progressed(): void {
    if (!this.starved) return;
    const now = Date.now();
    if (now - this.lastProgressEvent < 200) return;
    this.lastProgressEvent = now;
    this._onDidChangeBuffering.fire(this.buffering);
  }
}
