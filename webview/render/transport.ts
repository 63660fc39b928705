/**
 * Transport controls: shuffle, previous, play/pause, next, stop, repeat, favorite, and the
 * volume slider with mute. Buttons only send commands; what they show comes from the state.
 */
import type { PlayerCommand, RepeatMode, ViewState } from '../../src/protocol/messages';
import { el, iconButton, setAttr, setIcon } from '../dom';

const REPEAT_LOOK: Record<RepeatMode, { icon: string; label: string }> = {
  off: { icon: 'sync', label: 'Repeat: off' },
  all: { icon: 'sync', label: 'Repeat: all' },
  one: { icon: 'sync', label: 'Repeat: one' },
};

export class TransportView {
  readonly element: HTMLElement;
  private readonly shuffle = iconButton('arrow-swap', 'Shuffle', 'toggle');
  private readonly previous = iconButton('debug-reverse-continue', 'Previous track');
  private readonly playPause = iconButton('play', 'Play', 'primary');
  private readonly next = iconButton('debug-continue', 'Next track');
  private readonly stop = iconButton('debug-stop', 'Stop');
  private readonly repeat = iconButton('sync', 'Repeat: off', 'toggle repeat');
  private readonly repeatBadge = el('span', { class: 'badge', 'aria-hidden': 'true' }, '1');
  private readonly favorite = iconButton('heart', 'Favorite', 'favorite');
  private readonly mute = iconButton('unmute', 'Mute');
  private readonly volume = el('input', {
    type: 'range',
    class: 'volume',
    min: 0,
    max: 100,
    step: 1,
    'aria-label': 'Volume',
  });
  private volumeDragging = false;
  private pendingVolume: number | undefined;

  constructor(run: (command: PlayerCommand) => void) {
    this.repeat.append(this.repeatBadge);
    this.shuffle.addEventListener('click', () => run({ command: 'toggleShuffle' }));
    this.previous.addEventListener('click', () => run({ command: 'previous' }));
    this.playPause.addEventListener('click', () => run({ command: 'toggle' }));
    this.next.addEventListener('click', () => run({ command: 'next' }));
    this.stop.addEventListener('click', () => run({ command: 'stop' }));
    this.repeat.addEventListener('click', () => run({ command: 'cycleRepeat' }));
    this.favorite.addEventListener('click', () => run({ command: 'toggleFavorite' }));
    this.mute.addEventListener('click', () => run({ command: 'toggleMute' }));

    // While the slider moves, send at most one volume per frame and ignore echoes from the host.
    this.volume.addEventListener('input', () => {
      this.volumeDragging = true;
      if (this.pendingVolume === undefined) {
        requestAnimationFrame(() => {
          const volume = this.pendingVolume;
          this.pendingVolume = undefined;
          if (volume !== undefined) run({ command: 'setVolume', volume });
        });
      }
      this.pendingVolume = Number(this.volume.value) / 100;
      this.volume.style.setProperty('--fill', `${this.volume.value}%`);
    });
    this.volume.addEventListener('change', () => (this.volumeDragging = false));
    this.volume.addEventListener('pointerup', () => (this.volumeDragging = false));

    this.element = el(
      'div',
      { class: 'transport', role: 'toolbar', 'aria-label': 'Playback controls' },
      el('div', { class: 'transport-group modes' }, this.shuffle, this.repeat),
      el('div', { class: 'transport-group main' }, this.previous, this.playPause, this.next, this.stop),
      el('div', { class: 'transport-group side' }, this.favorite, el('div', { class: 'volume-group' }, this.mute, this.volume)),
    );
  }

  update(state: ViewState): void {
    const playing = state.state === 'playing' || state.state === 'buffering';
    const playIcon = this.playPause.firstElementChild as HTMLElement;
    setIcon(playIcon, state.state === 'buffering' ? 'loading' : playing ? 'debug-pause' : 'play');
    playIcon.classList.toggle('codicon-modifier-spin', state.state === 'buffering');
    this.label(this.playPause, playing ? 'Pause' : 'Play');

    const hasTrack = state.track !== undefined;
    this.previous.disabled = !hasTrack;
    this.next.disabled = !hasTrack;
    // Stop stays enabled when stopped (a no-op): disabling the focused button would drop focus.
    this.favorite.disabled = !hasTrack;

    setAttr(this.shuffle, 'aria-pressed', String(state.shuffle));
    this.label(this.shuffle, state.shuffle ? 'Shuffle: on' : 'Shuffle: off');

    const repeat = REPEAT_LOOK[state.repeat];
    setIcon(this.repeat.firstElementChild as HTMLElement, repeat.icon);
    this.repeat.dataset.mode = state.repeat;
    this.repeatBadge.hidden = state.repeat !== 'one';
    setAttr(this.repeat, 'aria-pressed', String(state.repeat !== 'off'));
    this.label(this.repeat, `${repeat.label} (click to change)`);

    const favorite = state.track?.favorite ?? false;
    setIcon(this.favorite.firstElementChild as HTMLElement, favorite ? 'heart-filled' : 'heart');
    setAttr(this.favorite, 'aria-pressed', String(favorite));
    this.label(this.favorite, favorite ? 'Remove from favorites' : 'Add to favorites');

    const quiet = state.muted || state.volume === 0;
    setIcon(this.mute.firstElementChild as HTMLElement, quiet ? 'mute' : 'unmute');
    setAttr(this.mute, 'aria-pressed', String(state.muted));
    this.label(this.mute, state.muted ? 'Unmute' : 'Mute');

    if (!this.volumeDragging) this.volume.value = String(Math.round(state.volume * 100));
    setAttr(this.volume, 'aria-valuetext', `${Math.round(state.volume * 100)}%${state.muted ? ', muted' : ''}`);
    this.volume.classList.toggle('muted', state.muted);
    this.volume.style.setProperty('--fill', `${state.muted ? 0 : Math.round(state.volume * 100)}%`);
  }

  private label(button: HTMLButtonElement, text: string): void {
    setAttr(button, 'aria-label', text);
    setAttr(button, 'title', text);
  }
}
