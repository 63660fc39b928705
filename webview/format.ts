/** Time formatting for the seek bar and the queue. Pure: no DOM, unit-tested in Node. */

/** 0:07, 3:25, 1:02:03. Negative, NaN and infinite inputs show as 0:00. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) ms = 0;
  const total = Math.floor(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}

/** The time left, as players show it: "-2:13". Unknown durations show as "--:--". */
export function formatRemaining(positionMs: number, durationMs: number | undefined): string {
  if (durationMs === undefined || !Number.isFinite(durationMs) || durationMs <= 0) return '--:--';
  // Round the elapsed part down and the remaining part up, so elapsed + remaining = duration.
  const left = Math.max(0, Math.ceil((durationMs - Math.max(0, positionMs)) / 1000) * 1000);
  return `-${formatTime(left)}`;
}

/** Spoken form for aria-valuetext: "1 minute 5 seconds of 3 minutes 20 seconds". */
export function describeTime(ms: number): string {
  const total = Math.max(0, Math.floor((Number.isFinite(ms) ? ms : 0) / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const parts: string[] = [];
  if (hours) parts.push(`${hours} ${hours === 1 ? 'hour' : 'hours'}`);
  if (minutes) parts.push(`${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`);
  if (seconds || parts.length === 0) parts.push(`${seconds} ${seconds === 1 ? 'second' : 'seconds'}`);
  return parts.join(' ');
}
