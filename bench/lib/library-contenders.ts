/**
 * The two sides of the library bench's cold-scan comparison, in one module that the bench
 * bundles the way esbuild.js bundles dist/ (see library.bench.ts for why), so both run the
 * same bundled copy of music-metadata.
 */
import { parseFile, type IOptions } from 'music-metadata';
import { scanLibrary } from '../../src/library/scanner';
import { TagCache } from '../../src/library/tag-cache';

/** The baseline: a plain sequential `parseFile` loop over a given list of files. */
export async function sequentialParseFile(files: readonly string[], options?: IOptions): Promise<void> {
  for (const file of files) await parseFile(file, options);
}

/** Our cold scan: walk, stat, read tags, order, with an empty tag cache. */
export async function coldScan(root: string): Promise<number> {
  const result = await scanLibrary(root, { cache: TagCache.inMemory() });
  if (result.skipped.length > 0) throw new Error(`unexpected skips: ${JSON.stringify(result.skipped.slice(0, 3))}`);
  return result.tracks.length;
}
