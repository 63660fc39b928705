/**
 * No sound card here: point ALSA's default device at a file (platform facts §3) by giving
 * the processes under test a HOME whose .asoundrc routes `default` to a raw capture file.
 * Everything naudiodon plays lands there, bit-exact, for the test to check.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface AudioCapture {
  readonly home: string;
  readonly captureFile: string;
  /** Environment for the process tree whose ALSA output should be captured. */
  readonly env: NodeJS.ProcessEnv;
}

export function prepareAudioCapture(dir: string): AudioCapture {
  fs.mkdirSync(dir, { recursive: true });
  const captureFile = path.join(dir, 'out.raw');
  fs.writeFileSync(
    path.join(dir, '.asoundrc'),
    `pcm.!default { type file; slave.pcm "null"; file "${captureFile}"; format "raw" }\n`,
  );
  return { home: dir, captureFile, env: { HOME: dir } };
}
