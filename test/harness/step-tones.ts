/**
 * A test track whose sound tells the time: second k is a sine of `stepHz(k)`. Seeking shows
 * up in the captured audio as a jump in frequency. Written as 16-bit stereo WAV, no encoder.
 */
import * as fs from 'node:fs';

export const STEP_BASE_HZ = 300;
export const STEP_HZ = 50;

export function stepHz(second: number): number {
  return STEP_BASE_HZ + STEP_HZ * second;
}

/** Which second of the step track a measured frequency belongs to. */
export function secondOfHz(hz: number): number {
  return Math.round((hz - STEP_BASE_HZ) / STEP_HZ);
}

export function writeStepTonesWav(file: string, seconds: number, sampleRate = 44_100): void {
  const frames = seconds * sampleRate;
  const data = Buffer.alloc(frames * 4);
  let phase = 0;
  for (let i = 0; i < frames; i++) {
    // Continuous phase across steps, so the step boundaries do not click.
    phase += (2 * Math.PI * stepHz(Math.floor(i / sampleRate))) / sampleRate;
    const value = Math.round(0.4 * 32767 * Math.sin(phase));
    data.writeInt16LE(value, i * 4);
    data.writeInt16LE(value, i * 4 + 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(2, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 4, 28);
  header.writeUInt16LE(4, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  fs.writeFileSync(file, Buffer.concat([header, data]));
}
