import { promises as fs } from 'node:fs';
import * as path from 'node:path';

let counter = 0;

/**
 * Write a whole file so that readers see either the old or the new content, never a torn
 * one: write a sibling temp file, then rename over the target (atomic on POSIX and on NTFS
 * for same-volume renames).
 */
export async function writeFileAtomic(filePath: string, data: string | Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(filePath), { recursive: true });
  const temp = path.join(path.dirname(filePath), `.${path.basename(filePath)}.${process.pid}.${counter++}.tmp`);
  try {
    await fs.writeFile(temp, data);
    await fs.rename(temp, filePath);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}
