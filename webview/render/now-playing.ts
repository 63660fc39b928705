/** Now playing: cover art, title, artist and album (a stream's title and station), buffering and the error line. */
import { bufferingLabel, type ViewState } from '../../src/protocol/messages';
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
  private readonly buffering = el('div', { class: 'buffering-line', hidden: true });
  /** The figure changes ten times a second: screen readers hear "Buffering" once (the section is aria-live), not every figure. */
  private readonly bufferingText = el('span', { class: 'buffering-text', 'aria-hidden': 'true' });
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
    this.buffering.append(icon('loading', 'codicon-modifier-spin'), el('span', { class: 'sr-only' }, 'Buffering'), this.bufferingText);
    this.error.append(icon('error'), this.errorText);
    this.element = el(
      'section',
      { class: 'now-playing', 'aria-label': 'Now playing', 'aria-live': 'polite', 'aria-atomic': 'true' },
      this.cover,
      el('div', { class: 'meta' }, this.title, this.subtitle, this.buffering, this.error),
    );
  }

  /** `queueLength` picks the hint shown when nothing is loaded. */
  update(state: ViewState, queueLength: number): void {
    const track = state.track;
    const idleHint = queueLength > 0 ? 'Double-click a track in the queue to play it' : 'Play a folder to fill the queue';
    // A stream's own title (ICY) says what is on; the track itself is then the station.
    const stream = track ? state.streamTitle : undefined;
    const title = stream ?? track?.title;
    const artist = stream !== undefined ? track?.title : track?.artist;
    const album = stream !== undefined ? undefined : track?.album;
    setText(this.title, title ?? 'Nothing playing');
    this.title.title = title ?? '';
    setText(this.artist, track ? (artist ?? 'Unknown artist') : idleHint);
    setText(this.album, album ?? '');
    this.separator.hidden = !album;
    this.album.hidden = !album;
    this.subtitle.title = [artist, album].filter(Boolean).join(' — ');
    this.element.classList.toggle('idle', !track);
    this.element.classList.toggle('stream', stream !== undefined);

    this.buffering.hidden = state.state !== 'buffering';
    setText(this.bufferingText, state.state === 'buffering' ? bufferingLabel(state.bufferingProgress) : '');

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
