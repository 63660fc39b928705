import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { flacFile, mp3File, mp3Frames } from './tagged-files';

/**
 * Folders of generated, tagged audio files for library benchmarks, built once under
 * bench/.cache (gitignored) and reused while the recipe's version is unchanged.
 */
export interface CorpusSpec {
  readonly root: string;
  readonly folders: number;
  readonly filesPerFolder: number;
  /** Every n-th file is FLAC instead of MP3 (0: none). */
  readonly flacEvery: number;
  /** Every n-th file embeds a cover of `coverBytes` (0: none). */
  readonly coverEvery: number;
  readonly coverBytes: number;
  /** MPEG frames of silence after each MP3 tag. */
  readonly mp3Frames: number;
}

const RECIPE_VERSION = 3;

/** Generate the corpus unless it exists; returns how many files it holds. */
export function ensureCorpus(spec: CorpusSpec, log: (message: string) => void): number {
  const marker = path.join(spec.root, `.complete-v${RECIPE_VERSION}-${spec.folders}x${spec.filesPerFolder}`);
  const count = spec.folders * spec.filesPerFolder;
  if (existsSync(marker)) return count;
  const files = corpusPaths(spec);
  log(`generating ${files.length} files in ${spec.root} (once; reused on later runs)`);
  rmSync(spec.root, { recursive: true, force: true });
  const cover = Buffer.alloc(spec.coverBytes, 0x5a);
  const audio = mp3Frames(spec.mp3Frames);
  let n = 0;
  for (let f = 0; f < spec.folders; f++) {
    const artist = `Ärtist ${f % 37}`;
    const album = `Album ${f} — Café`;
    mkdirSync(path.join(spec.root, folderName(f)), { recursive: true });
    for (let i = 0; i < spec.filesPerFolder; i++, n++) {
      const tags = {
        title: `Träck ${i + 1} 夜`,
        artist,
        album,
        albumArtist: artist,
        track: `${i + 1}/${spec.filesPerFolder}`,
        disc: '1/1',
        year: String(1970 + (f % 50)),
        genre: 'Electronic',
        replayGainTrackGain: '-6.20 dB',
        replayGainTrackPeak: '0.950000',
        cover: spec.coverEvery > 0 && n % spec.coverEvery === 0 ? cover : undefined,
      };
      const isFlac = spec.flacEvery > 0 && n % spec.flacEvery === 0;
      writeFileSync(files[n]!, isFlac ? flacFile(tags, { seconds: 180 }) : mp3File(tags, { audio }));
    }
    if (f % 100 === 99) log(`  ${n} files`);
  }
  writeFileSync(marker, '');
  return count;
}

function folderName(f: number): string {
  return `artist-${String(f % 37).padStart(2, '0')}/album-${String(f).padStart(4, '0')}`;
}

/** Every file of the corpus, in generation order. */
export function corpusPaths(spec: CorpusSpec): string[] {
  const files: string[] = [];
  let n = 0;
  for (let f = 0; f < spec.folders; f++) {
    for (let i = 0; i < spec.filesPerFolder; i++, n++) {
      const isFlac = spec.flacEvery > 0 && n % spec.flacEvery === 0;
      files.push(path.join(spec.root, folderName(f), `${String(i + 1).padStart(2, '0')} - Träck ${i + 1}.${isFlac ? 'flac' : 'mp3'}`));
    }
  }
  return files;
}
