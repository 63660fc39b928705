/**
 * The seek bar: elapsed time, a slider (click or drag; the seek is sent on release), and the
 * time remaining. Between the host's position updates the playhead is extrapolated and
 * painted in animation frames; each update re-anchors it. Frames are requested only when
 * something visible changes (the next pixel of the bar, the next second of the clock), so a
 * long track playing for hours does not keep the renderer busy at 60 fps.
 */
import { describeTime, formatRemaining, formatTime } from '../format';
import { PositionAnchor, positionAt, progressFraction } from '../interpolate';
import { positionFromPointer, seekTargetForKey } from '../seek-keys';
import { el, setAttr, setText } from '../dom';

/** About one frame: waits shorter than this just take the next frame. */
const FRAME_MS = 16;
/** How long after a seek older positions from the host may still arrive. */
const SEEK_SETTLE_MS = 600;
/** A host position this far from the requested seek predates it. */
const STALE_AFTER_SEEK_MS = 1500;

export class SeekBar {
  readonly element: HTMLElement;
  private readonly elapsed = el('span', { class: 'time elapsed', 'aria-hidden': 'true' });
  private readonly remaining = el('span', { class: 'time remaining', 'aria-hidden': 'true' });
  private readonly fill = el('div', { class: 'seek-fill' });
  private readonly thumb = el('div', { class: 'seek-thumb' });
  private readonly slider = el(
    'div',
    {
      class: 'seek-slider',
      role: 'slider',
      tabindex: 0,
      'aria-label': 'Seek',
      'aria-valuemin': 0,
      'aria-valuemax': 0,
      'aria-valuenow': 0,
      'aria-orientation': 'horizontal',
    },
    el('div', { class: 'seek-track' }, this.fill),
    this.thumb,
  );

  private anchor: PositionAnchor = { positionMs: 0, at: 0, playing: false };
  private durationMs: number | undefined;
  /** Position shown while the user drags; undefined otherwise. */
  private dragPosition: number | undefined;
  private frame = 0;
  private timer = 0;
  /** Width of the slider in px (kept by a ResizeObserver: no layout reads while animating). */
  private width = 0;
  private lastAriaSecond = -1;
  /** After a seek, updates that left the host before it arrived would snap back: skip them. */
  private pendingSeek: { positionMs: number; until: number } | undefined;

  constructor(private readonly seek: (positionMs: number) => void) {
    this.element = el('div', { class: 'seek-bar' }, this.elapsed, this.slider, this.remaining);
    this.slider.addEventListener('pointerdown', (event) => this.onPointerDown(event));
    this.slider.addEventListener('pointermove', (event) => this.onPointerMove(event));
    this.slider.addEventListener('pointerup', (event) => this.onPointerUp(event));
    this.slider.addEventListener('pointercancel', () => this.endDrag());
    this.slider.addEventListener('lostpointercapture', () => this.endDrag());
    this.slider.addEventListener('keydown', (event) => this.onKeyDown(event));
    new ResizeObserver(() => {
      this.width = this.slider.clientWidth;
      this.paint();
    }).observe(this.slider);
  }

  /** Re-anchors on a state or position update from the host. */
  sync(anchor: PositionAnchor, durationMs: number | undefined): void {
    const seek = this.pendingSeek;
    if (seek && Date.now() < seek.until && Math.abs(anchor.positionMs - seek.positionMs) > STALE_AFTER_SEEK_MS) {
      this.durationMs = durationMs;
      this.anchor = { ...this.anchor, playing: anchor.playing };
      return;
    }
    this.pendingSeek = undefined;
    this.anchor = anchor;
    this.durationMs = durationMs;
    this.slider.setAttribute('aria-disabled', String(!(durationMs && durationMs > 0)));
    this.slider.classList.toggle('disabled', !(durationMs && durationMs > 0));
    this.paint();
    this.schedule();
  }

  /** Stops the animation loop (page hidden). */
  pause(): void {
    cancelAnimationFrame(this.frame);
    clearTimeout(this.timer);
    this.frame = 0;
    this.timer = 0;
  }

  resume(): void {
    this.paint();
    this.schedule();
  }

  private get seekable(): boolean {
    return this.durationMs !== undefined && this.durationMs > 0;
  }

  private current(): number {
    return this.dragPosition ?? positionAt(this.anchor, Date.now(), this.durationMs);
  }

  private schedule(): void {
    if (this.frame || this.timer || !this.anchor.playing || document.hidden) return;
    const wait = this.timeToNextChange();
    const frame = () => {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.paint();
        this.schedule();
      });
    };
    if (wait <= FRAME_MS) {
      frame();
    } else {
      this.timer = window.setTimeout(() => {
        this.timer = 0;
        frame();
      }, wait - FRAME_MS);
    }
  }

  /** Ms until the bar moves by a pixel or the clock shows the next second, whichever is first. */
  private timeToNextChange(): number {
    const position = this.current();
    const nextSecond = 1000 - (position % 1000);
    const msPerPixel = this.durationMs && this.width > 0 ? this.durationMs / this.width : 0;
    return msPerPixel > 0 ? Math.min(nextSecond, msPerPixel) : nextSecond;
  }

  private paint(): void {
    const position = this.current();
    const fraction = progressFraction(position, this.durationMs);
    // transform/scale is composited: no layout work at 60 fps.
    this.fill.style.transform = `scaleX(${fraction})`;
    this.thumb.style.transform = `translateX(${fraction * this.width}px)`;
    setText(this.elapsed, formatTime(position));
    setText(this.remaining, formatRemaining(position, this.durationMs));

    // Screen readers need the value, but not 60 times a second: update per whole second.
    const second = Math.floor(position / 1000);
    if (second !== this.lastAriaSecond) {
      this.lastAriaSecond = second;
      setAttr(this.slider, 'aria-valuemax', String(Math.round((this.durationMs ?? 0) / 1000)));
      setAttr(this.slider, 'aria-valuenow', String(second));
      setAttr(
        this.slider,
        'aria-valuetext',
        this.seekable ? `${describeTime(position)} of ${describeTime(this.durationMs ?? 0)}` : 'No track',
      );
    }
  }

  private onPointerDown(event: PointerEvent): void {
    if (!this.seekable || event.button !== 0) return;
    event.preventDefault();
    this.slider.focus();
    this.slider.setPointerCapture(event.pointerId);
    this.slider.classList.add('dragging');
    this.dragPosition = this.pointerPosition(event);
    this.paint();
  }

  private onPointerMove(event: PointerEvent): void {
    if (this.dragPosition === undefined) return;
    this.dragPosition = this.pointerPosition(event);
    this.paint();
  }

  private onPointerUp(event: PointerEvent): void {
    if (this.dragPosition === undefined) return;
    const target = this.pointerPosition(event);
    this.endDrag();
    this.commit(target);
  }

  private endDrag(): void {
    if (this.dragPosition === undefined) return;
    this.dragPosition = undefined;
    this.slider.classList.remove('dragging');
    this.paint();
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (!this.seekable || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = seekTargetForKey(event.key, this.current(), this.durationMs);
    if (target === undefined) return;
    event.preventDefault();
    this.commit(target);
  }

  /** Sends the seek and shows it at once (the host's next update confirms or corrects it). */
  private commit(positionMs: number): void {
    this.anchor = { positionMs, at: Date.now(), playing: this.anchor.playing };
    this.pendingSeek = { positionMs, until: Date.now() + SEEK_SETTLE_MS };
    this.paint();
    this.seek(Math.round(positionMs));
  }

  private pointerPosition(event: PointerEvent): number {
    const rect = this.slider.getBoundingClientRect();
    return positionFromPointer(event.clientX, rect.left, rect.width, this.durationMs ?? 0);
  }
}
