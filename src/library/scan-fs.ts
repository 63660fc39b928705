import { promises as fs } from 'node:fs';

/**
 * The few file-system calls a scan makes, as an interface so tests can inject failures the
 * real file system will not produce on demand (e.g. EACCES when running as root).
 */
export interface ScanDirent {
  readonly name: string;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

export interface ScanStats {
  readonly size: number;
  readonly mtimeMs: number;
  isFile(): boolean;
  isDirectory(): boolean;
}

export interface ScanFileSystem {
  readdir(folder: string): Promise<ScanDirent[]>;
  /** Follows symbolic links. */
  stat(filePath: string): Promise<ScanStats>;
  realpath(filePath: string): Promise<string>;
}

export const nodeScanFileSystem: ScanFileSystem = {
  readdir: (folder) => fs.readdir(folder, { withFileTypes: true }),
  stat: (filePath) => fs.stat(filePath),
  realpath: (filePath) => fs.realpath(filePath),
};
