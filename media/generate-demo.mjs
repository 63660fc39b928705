#!/usr/bin/env node
/**
 * Generates "Sine Language" by Playhead Demo: a small demo album made entirely by this
 * script (no third-party recordings), used to show and try the player. Run from the
 * repository root:
 *
 *     node media/generate-demo.mjs
 *
 * Needs ffmpeg (libmp3lame, libvorbis, libopus, native flac and aac encoders). Writes
 * media/demo/: five 20-24 s tracks in five formats (mp3, flac, ogg, opus, m4a), each tagged
 * (artist, album, title, track n/5, year, genre) with embedded cover art where the container
 * allows it, plus cover.png. Kept under 3 MB.
 *
 * The music is additive synthesis computed here: plucked arpeggios (harmonics with an
 * exponential decay) over a soft pad, each track its own key, tempo and progression. All
 * arithmetic is deterministic; encoders run with +bitexact.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, 'demo');
const work = mkdtempSync(join(tmpdir(), 'playhead-demo-'));
const RATE = 44100;

const midiHz = (m) => 440 * 2 ** ((m - 69) / 12);
const CHORDS = { I: [0, 4, 7], ii: [2, 5, 9], iii: [4, 7, 11], IV: [5, 9, 12], V: [7, 11, 14], vi: [9, 12, 16] };

/**
 * One track: `progression` chords of `beatsPerChord` beats, an arpeggio of `pattern`
 * (indices into the chord, 3 = octave up) in steps of 1/`stepsPerBeat` beat.
 */
function render({ seconds, root, bpm, progression, pattern, stepsPerBeat, brightness, stereoWidth }) {
  const n = Math.round(seconds * RATE);
  const left = new Float32Array(n);
  const right = new Float32Array(n);
  const beat = 60 / bpm;
  const chordLen = beat * 4;
  const step = beat / stepsPerBeat;
  const add = (start, freq, dur, amp, pan, decay, harmonics) => {
    const s0 = Math.round(start * RATE);
    const len = Math.min(n - s0, Math.round(dur * RATE));
    for (let i = 0; i < len; i++) {
      const t = i / RATE;
      const attack = Math.min(1, t / 0.005);
      const release = Math.min(1, (len - i) / (0.02 * RATE));
      const env = attack * release * Math.exp(-t * decay) * amp;
      let v = 0;
      for (let h = 0; h < harmonics.length; h++) v += harmonics[h] * Math.sin(2 * Math.PI * freq * (h + 1) * t);
      left[s0 + i] += v * env * (1 - pan);
      right[s0 + i] += v * env * (1 + pan);
    }
  };
  const pluck = [1, 0.5 * brightness, 0.3 * brightness, 0.15 * brightness];
  const pad = [1, 0.2];
  for (let c = 0; c * chordLen < seconds; c++) {
    const chord = CHORDS[progression[c % progression.length]];
    const t0 = c * chordLen;
    // Pad: the chord held softly, low octave.
    chord.forEach((iv, k) => add(t0, midiHz(root - 12 + iv), chordLen + 0.3, 0.05, (k - 1) * 0.3 * stereoWidth, 0.4, pad));
    add(t0, midiHz(root - 24 + chord[0]), chordLen, 0.12, 0, 1.2, [1, 0.3]);
    for (let s = 0; s * step < chordLen; s++) {
      const idx = pattern[s % pattern.length];
      const note = root + (idx === 3 ? chord[0] + 12 : chord[idx]);
      const pan = Math.sin(s * 1.3) * 0.5 * stereoWidth;
      add(t0 + s * step, midiHz(note), Math.min(1.5, seconds - t0 - s * step), 0.11, pan, 4, pluck);
    }
  }
  // Fade in/out and normalise to -3 dBFS peak.
  let peak = 0;
  for (let i = 0; i < n; i++) {
    const fade = Math.min(1, i / (0.05 * RATE), (n - i) / (1.5 * RATE));
    left[i] *= fade;
    right[i] *= fade;
    peak = Math.max(peak, Math.abs(left[i]), Math.abs(right[i]));
  }
  const gain = 0.707 / peak;
  const interleaved = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    interleaved[2 * i] = left[i] * gain;
    interleaved[2 * i + 1] = right[i] * gain;
  }
  return Buffer.from(interleaved.buffer);
}

const tracks = [
  { title: 'Tonic Water', file: '01-tonic-water.mp3', codec: ['-c:a', 'libmp3lame', '-b:a', '96k'], cover: true,
    music: { seconds: 24, root: 60, bpm: 96, progression: ['I', 'V', 'vi', 'IV'], pattern: [0, 1, 2, 3, 2, 1], stepsPerBeat: 3, brightness: 0.8, stereoWidth: 1 } },
  { title: 'Fourier Garden', file: '02-fourier-garden.flac', codec: ['-c:a', 'flac', '-sample_fmt', 's16'], cover: true,
    music: { seconds: 20, root: 62, bpm: 80, progression: ['vi', 'IV', 'I', 'V'], pattern: [0, 2, 1, 3], stepsPerBeat: 2, brightness: 0.4, stereoWidth: 0.6 } },
  { title: 'Phase Locked', file: '03-phase-locked.ogg', codec: ['-c:a', 'libvorbis', '-q:a', '2'], cover: false,
    music: { seconds: 22, root: 57, bpm: 110, progression: ['I', 'iii', 'IV', 'V'], pattern: [0, 1, 2, 1], stepsPerBeat: 4, brightness: 1, stereoWidth: 1 } },
  { title: 'Nyquist Lullaby', file: '04-nyquist-lullaby.opus', codec: ['-c:a', 'libopus', '-b:a', '64k'], cover: false,
    music: { seconds: 24, root: 65, bpm: 72, progression: ['I', 'vi', 'ii', 'V'], pattern: [0, 1, 2, 3, 2, 1], stepsPerBeat: 3, brightness: 0.5, stereoWidth: 0.7 } },
  { title: 'Zero Crossing', file: '05-zero-crossing.m4a', codec: ['-c:a', 'aac', '-b:a', '96k'], cover: true,
    music: { seconds: 22, root: 64, bpm: 120, progression: ['vi', 'V', 'IV', 'V'], pattern: [0, 2, 3, 2], stepsPerBeat: 4, brightness: 0.9, stereoWidth: 1 } },
];

function ffmpeg(...args) {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const cover = join(outDir, 'cover.png');
ffmpeg('-f', 'lavfi', '-i', 'mandelbrot=s=160x160:maxiter=200:end_pts=1', '-frames:v', '1', '-fflags', '+bitexact', cover);

tracks.forEach((track, i) => {
  const raw = join(work, `${i}.f32`);
  writeFileSync(raw, render(track.music));
  const input = ['-f', 'f32le', '-ar', String(RATE), '-ac', '2', '-i', raw];
  const art = track.cover ? ['-i', cover, '-map', '0:a', '-map', '1:v', '-c:v', 'copy', '-disposition:v', 'attached_pic'] : [];
  const tags = {
    artist: 'Playhead Demo',
    album_artist: 'Playhead Demo',
    album: 'Sine Language',
    title: track.title,
    track: `${i + 1}/${tracks.length}`,
    disc: '1/1',
    date: '2026',
    genre: 'Electronic',
    comment: 'Synthesized by media/generate-demo.mjs',
  };
  ffmpeg(...input, ...art, ...track.codec, '-fflags', '+bitexact', '-flags:a', '+bitexact',
    ...Object.entries(tags).flatMap(([k, v]) => ['-metadata', `${k}=${v}`]), join(outDir, track.file));
});
rmSync(work, { recursive: true, force: true });
let total = 0;
for (const f of readdirSync(outDir)) total += statSync(join(outDir, f)).size;
console.error(`media/demo written: ${(total / 1048576).toFixed(2)} MB`);
