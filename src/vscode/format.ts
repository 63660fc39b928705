/** 83_000 → "1:23"; 3_723_000 → "1:02:03". */
export function formatTime(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/**
 * Status bar text renders `$(name)` as an icon; titles come from tags and radio stations, so a
 * `$(` in one is text. VS Code prints an escaped `\$(name)` as written.
 */
export function literalIcons(text: string): string {
  return text.replace(/\$\(/g, '\\$(');
}
