/**
 * The music library, without VS Code: scanning folders for tracks, tags and covers, the
 * persistent tag cache, and workspace playlists. The VS Code glue (commands, tree view,
 * file watcher) builds on this API; nothing here imports `vscode`.
 */
export { AUDIO_EXTENSIONS, isAudioFile } from './audio-extensions';
export { CoverCache, type CoverCacheOptions, type CoverLoader } from './cover-cache';
export { guessFromPath, withPathFallbacks } from './filename-tags';
export { compileGlobs, globToRegExp, type PathMatcher } from './glob';
export { compareFolders, compareTracks, naturalCompare, sortTracks, sortedInsertionIndex } from './order';
export { nodeScanFileSystem, type ScanFileSystem } from './scan-fs';
export {
  createScanFilter,
  isSkippedEntry,
  readTrack,
  scanFolders,
  scanLibrary,
  ScanError,
  type FolderScanResult,
  type ReadTrackOptions,
  type ScanOptions,
  type ScanProgress,
  type ScanResult,
} from './scanner';
export { TagCache, type CachedTags, type TagCacheOptions } from './tag-cache';
export { createTagReader, readCover, readTags, type CoverArt, type KnownFileInfo, type TagReader, type TagReaderOptions } from './tags';
export { ReadPacer, type ReadPacerOptions } from './read-pacer';
export type { InferableField, ReplayGain, ScannedTrack, SkipKind, SkippedEntry, TrackTags } from './types';
export { playlistInputFor, type PlaylistEntry, type PlaylistItem, type PlaylistTrackInput } from './playlists/entry';
export { formatM3u, parseM3u } from './playlists/m3u';
export { formatPls, parsePls } from './playlists/pls';
export { sanitizePlaylistName } from './playlists/names';
export { PlaylistFolderWatch } from './playlists/folder-watch';
export {
  formatPlaylist,
  parsePlaylist,
  playlistFormatOf,
  readPlaylistFile,
  writePlaylistFile,
  type PlaylistFormat,
} from './playlists/playlist-file';
export {
  defaultPlaylistFolder,
  moveEntries,
  PlaylistError,
  PlaylistStore,
  withMissingFlags,
  type PlaylistChange,
  type PlaylistInfo,
} from './playlists/store';
