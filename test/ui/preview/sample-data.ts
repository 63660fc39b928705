/** Deterministic sample queues and states for the preview page and the benchmark. */
import type { QueueItem, ViewState } from '../../../src/protocol/messages';

const ALBUMS: [artist: string, album: string, titles: string[]][] = [
  ['Ólafur Arnalds', 'Re:member', ['Re:member', 'Brot', 'Saman', 'Ypsilon', 'Inni', 'Nyepi', 'They Sink']],
  ['Beyoncé', 'Lemonade', ['Pray You Catch Me', 'Hold Up', 'Sorry', 'Formation', 'Freedom']],
  ['Sigur Rós', 'Ágætis byrjun', ['Svefn-g-englar', 'Starálfur', 'Flugufrelsarinn', 'Olsen Olsen']],
  ['Nils Frahm', 'All Melody', ['The Whole Universe Wants to Be Touched', 'Sunson', 'Human Range', 'Momentum']],
  ['Rosalía', 'Motomami', ['Saoko', 'Candy', 'La Fama', 'Bulerías', 'Hentai', 'Despechá']],
  ['Daft Punk', 'Random Access Memories', ['Give Life Back to Music', 'Instant Crush', 'Get Lucky', 'Contact']],
  ['Khruangbin', 'Mordechai', ['First Class', 'Time (You and I)', 'Pelota', 'So We Won’t Forget']],
  ['Bonobo', 'Migration', ['Migration', 'Break Apart', 'Kerala', 'Outlier', 'Bambro Koyo Ganda']],
];

export function sampleQueue(count: number): QueueItem[] {
  const items: QueueItem[] = [];
  for (let i = 0; items.length < count; i++) {
    const [artist, album, titles] = ALBUMS[i % ALBUMS.length]!;
    for (let t = 0; t < titles.length && items.length < count; t++) {
      const n = items.length;
      items.push({
        id: `track-${n}`,
        title: i < ALBUMS.length ? titles[t]! : `${titles[t]!} (take ${Math.floor(i / ALBUMS.length) + 1})`,
        artist,
        album,
        durationMs: 120_000 + ((n * 7919) % 300_000),
      });
    }
  }
  return items;
}

export function sampleState(queue: readonly QueueItem[], overrides: Partial<ViewState> = {}): ViewState {
  const currentIndex = Math.min(2, queue.length - 1);
  const item = queue[currentIndex];
  return {
    version: 1,
    state: item ? 'playing' : 'stopped',
    track: item
      ? {
          id: item.id,
          title: item.title,
          artist: item.artist,
          album: item.album,
          durationMs: item.durationMs,
          coverUri: undefined,
          favorite: true,
        }
      : undefined,
    currentIndex,
    positionMs: item ? 83_000 : 0,
    positionAt: Date.now(),
    durationMs: item?.durationMs,
    volume: 0.7,
    muted: false,
    shuffle: true,
    repeat: 'all',
    error: undefined,
    queueVersion: 1,
    streamTitle: undefined,
    bufferingProgress: undefined,
    ...overrides,
  };
}
