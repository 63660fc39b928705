import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { generateToken, minTokenLength } from '../api/token';

/**
 * The API token kept in a file (`<config>/playhead/api-token`): read it, or on first use
 * create it with a random token, readable by its owner only (0600; the folder 0700). Created
 * with O_EXCL, so two servers starting at once agree on one token instead of overwriting.
 */
export async function readOrCreateTokenFile(file: string): Promise<{ token: string; created: boolean }> {
  const existing = await readToken(file);
  if (existing !== undefined) return { token: existing, created: false };
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const token = generateToken();
  try {
    const handle = await fs.open(file, 'wx', 0o600);
    try {
      await handle.writeFile(`${token}\n`, 'utf8');
    } finally {
      await handle.close();
    }
    return { token, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const raced = await readToken(file);
    if (raced === undefined) throw new Error(`${file} exists but holds no token`, { cause: error });
    return { token: raced, created: false };
  }
}

async function readToken(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const token = text.trim();
  if (token.length < minTokenLength) throw new Error(`the token in ${file} is shorter than ${minTokenLength} characters; delete the file to get a new one`);
  return token;
}
