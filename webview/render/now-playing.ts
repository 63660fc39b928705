/** Now playing: cover art, title, artist and album, and the player's error line. */
import type { ViewState } from '../../src/protocol/messages';
import { el, icon, setAttr, setText } from '../dom';

export class NowPlayingView {
  readonly element: HTMLElement;
  private readonly cover = el('div', { class: 'cover', 'aria-hidden': 'true' });
  private readonly image = el('img', { class: 'cover-image', alt: '' });
  private readonly placeholder = el('div', { class: 'cover-placeholder' }, icon('music'));
  private readonly title = el('h1', { class: 'title', id: 'now-playing-title' });
  private readonly subtitle = el('div', { class: 'subtitle' });
  private readonly artist = el('span', { class: 'artist' });
  private readonly separator = el('span', { class: 'separator', 'aria-hidden': 'true' }, ' — ');
  private readonly album = el('span', { class: 'album' });
  private readonly error = el('div', { class: 'error-line', role: 'alert', hidden: true });
  private readonly errorText = el('span');
  private coverSrc: string | undefined;

  constructor() {
    this.image.hidden = true;
    // A cover that fails to load (file gone, blocked by CSP) falls back to the placeholder.
    this.image.addEventListener('error', () => this.showPlaceholder());
    this.image.addEventListener('load', () => {
      this.image.hidden = false;
      this.placeholder.hidden = true;
    });
    this.cover.append(this.placeholder, this.image);
    this.subtitle.append(this.artist, this.separator, this.album);
    this.error.append(icon('error'), this.errorText);
    this.element = el(
      'section',
      { class: 'now-playing', 'aria-label': 'Now playing', 'aria-live': 'polite', 'aria-atomic': 'true' },
      this.cover,
      el('div', { class: 'meta' }, this.title, this.subtitle, this.error),
    );
  }

  /** `queueLength` picks the hint shown when nothing is loaded. */
  update(state: ViewState, queueLength: number): void {
    const track = state.track;
    const idleHint = queueLength > 0 ? 'Double-click a track in the queue to play it' : 'Play a folder to fill the queue';
    setText(this.title, track ? track.title : 'Nothing playing');
    this.title.title = track ? track.title : '';
    setText(this.artist, track ? (track.artist ?? 'Unknown artist') : idleHint);
    setText(this.album, track?.album ?? '');
    this.separator.hidden = !track?.album;
    this.album.hidden = !track?.album;
    this.subtitle.title = [track?.artist, track?.album].filter(Boolean).join(' — ');
    this.element.classList.toggle('idle', !track);

    this.error.hidden = !state.error;
    setText(this.errorText, state.error ?? '');

    const src = track?.coverUri;
    if (src !== this.coverSrc) {
      this.coverSrc = src;
      if (src) {
        setAttr(this.image, 'src', src);
      } else {
        this.image.removeAttribute('src');
        this.showPlaceholder();
      }
    }
  }

  private showPlaceholder(): void {
    this.image.hidden = true;
    this.placeholder.hidden = false;
  }
}
