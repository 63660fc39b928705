import type { Event } from '../base/event';
import type { IDisposable } from '../base/lifecycle';
import type { AudioFormat } from '../decode/types';

/**
 * What the audio engine offers the player, whatever runs it: the engine child process seen
 * through its IPC client (extension host, CLI), or an in-process engine in tests. The player
 * core depends on this interface only.
 */

/** A track as the engine sees it: an id chosen by the player and where to read it. */
export interface TrackRef {
  readonly id: string;
  /** Absolute file path or http(s) URL. */
  readonly uri: string;
  /** Linear factor the track's samples play at (ReplayGain), on top of the volume. 1 if absent. */
  readonly gain?: number;
}

/**
 * idle: nothing loaded. starved: playing, but the decoder/source cannot keep up (the player
 * shows Buffering). The engine leaves `starved` by itself when data is back.
 */
export type EngineState = 'idle' | 'loading' | 'playing' | 'paused' | 'starved';

export interface LoadedTrack {
  readonly track: TrackRef;
  readonly format: AudioFormat;
  /** Undefined for live streams. */
  readonly durationMs: number | undefined;
}

export interface PositionReport {
  readonly trackId: string;
  /** Position of the frame the device is playing now (frames consumed, not a wall clock). */
  readonly positionMs: number;
  /** Date.now() when measured, so a UI can interpolate between reports. */
  readonly at: number;
  readonly playing: boolean;
}

/** While starved: how far the engine is towards resuming (the audio it waits to have decoded ahead). */
export interface BufferingProgress {
  readonly trackId: string;
  /** 0..1 */
  readonly progress: number;
}

export interface EngineError {
  readonly trackId: string | undefined;
  /** 'decode' (bad file), 'source' (I/O, network), 'output' (device), 'crash' (engine died). */
  readonly kind: 'decode' | 'source' | 'output' | 'crash';
  readonly message: string;
  /** True when the engine gave up on the current track; the player should move on. */
  readonly fatalForTrack: boolean;
}

/** An output device the engine can play to (naudiodon/PortAudio). */
export interface OutputDevice {
  readonly id: number;
  readonly name: string;
  readonly hostApi: string | undefined;
  readonly maxOutputChannels: number;
  readonly defaultSampleRate: number;
  readonly isDefault: boolean;
}

export interface AudioEngine extends IDisposable {
  readonly state: EngineState;
  /** Loads and opens the track; resolves once its format is known. Rejects with a clear message. */
  load(track: TrackRef, options: { startMs?: number; autoplay: boolean }): Promise<LoadedTrack>;
  play(): Promise<void>;
  pause(): Promise<void>;
  stop(): Promise<void>;
  seek(positionMs: number): Promise<void>;
  /** 0..1, ramped by the engine. */
  setVolume(volume: number): Promise<void>;
  /** Decode `track` ahead so it follows the current one without a gap; undefined cancels. */
  preloadNext(track: TrackRef | undefined): Promise<void>;

  /** Output devices (optional: engines without device choice leave it out). */
  listDevices?(): Promise<OutputDevice[]>;
  /** Play to the device with this name (exact, else case-insensitive substring); undefined = system default. */
  setDevice?(name: string | undefined): Promise<void>;

  readonly onDidChangeState: Event<EngineState>;
  readonly onPosition: Event<PositionReport>;
  /** The engine moved on by itself to the preloaded track (gapless). */
  readonly onTrackStarted: Event<LoadedTrack>;
  /** The current track played to its end and nothing preloaded followed it. */
  readonly onTrackEnded: Event<{ readonly trackId: string }>;
  readonly onError: Event<EngineError>;
  /** A stream's now-playing title changed (ICY StreamTitle); optional: engines without streams leave it out. */
  readonly onStreamTitle?: Event<{ readonly trackId: string; readonly title: string }>;
  /** Progress of Buffering (state `starved`) towards resuming; optional like onStreamTitle. */
  readonly onBuffering?: Event<BufferingProgress>;
}
