import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Real audio output without a sound card (platform facts §3): an ALSA config whose default
 * PCM is the `file` plugin over the `null` device. Everything PortAudio plays on "default"
 * lands byte for byte in `rawPath` (interleaved, in the format the stream was opened with).
 *
 * Give `env` to the ENGINE CHILD PROCESS only (HOME is where ALSA reads .asoundrc); never
 * change the test runner's own HOME. The null slave is not clocked: it consumes about 64x
 * faster than real time.
 *
 *   const capture = createAlsaCapture();
 *   const engine = new EngineClient({ enginePath, sink: 'naudiodon', env: capture.env });
 *   ...
 *   const pcm = capture.readS16();   // Int16Array, interleaved
 *   capture.dispose();
 */
export interface AlsaCapture {
  /** The temporary HOME holding .asoundrc. */
  readonly home: string;
  /** Where the captured PCM is written. */
  readonly rawPath: string;
  /** Environment additions for the process that opens the device. */
  readonly env: { HOME: string };
  /** The capture so far as interleaved signed 16-bit samples (empty if nothing was played). */
  readS16(): Int16Array;
  /** Remove the capture file (between runs with the same device config). */
  reset(): void;
  /** Remove the temporary directory. */
  dispose(): void;
}

export interface AlsaCaptureOptions {
  /** Temp dir name prefix. */
  readonly prefix?: string;
  /**
   * Keep what every stream played, in order, when the device is closed and opened again
   * (the file plugin truncates the file at each open). Pipes through `cat >>`, so the last
   * bytes land a few ms after the stream closes: wait briefly before reading.
   */
  readonly append?: boolean;
}

export function createAlsaCapture(options: AlsaCaptureOptions | string = {}): AlsaCapture {
  const { prefix = 'playhead-alsa-', append = false } = typeof options === 'string' ? { prefix: options } : options;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const rawPath = path.join(home, 'out.raw');
  const target = append ? `|cat >> ${rawPath}` : rawPath;
  fs.writeFileSync(
    path.join(home, '.asoundrc'),
    `pcm.!default { type file; slave.pcm "null"; file "${target}"; format "raw" }\n`,
  );
  return {
    home,
    rawPath,
    env: { HOME: home },
    readS16() {
      if (!fs.existsSync(rawPath)) return new Int16Array(0);
      const bytes = fs.readFileSync(rawPath);
      return new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 2));
    },
    reset() {
      fs.rmSync(rawPath, { force: true });
    },
    dispose() {
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
