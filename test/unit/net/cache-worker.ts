/**
 * A second "VS Code window" for the cache tests: a separate process downloading a URL into
 * the same cache folder. Prints what happened as JSON. Run with `node --require tsx/cjs`.
 */
import { createHash } from 'node:crypto';
import { HttpCache } from '../../../src/net/http-cache';
import { openHttpSource } from '../../../src/net/http-source';
import { readAll } from './server';

async function main(): Promise<void> {
  const [url, directory] = process.argv.slice(2) as [string, string];
  const cache = new HttpCache({ directory, maxBytes: 100_000_000 });
  const source = await openHttpSource(url, { cache, env: {}, readAheadBytes: 64 * 1024 });
  const bytes = await readAll(source, 32 * 1024);
  const stored = await source.whenCached();
  source.dispose();
  process.stdout.write(JSON.stringify({ fromCache: source.fromCache, stored, length: bytes.length, sha: createHash('sha256').update(bytes).digest('hex') }));
}

main().catch((error) => {
  process.stderr.write(String(error?.stack ?? error));
  process.exit(1);
});
