/**
 * The queue: a virtualized list (fixed row height; only the rows in view, plus a few, are in
 * the DOM, recycled while scrolling) so that 10,000 tracks open and scroll instantly.
 *
 * Keyboard (listbox pattern, focus stays on the list, rows are aria-activedescendant):
 * arrows, PageUp/PageDown, Home/End move; Enter plays; Delete removes; Alt+Up/Down reorders.
 * Mouse: double-click plays; drag a row to reorder. A filter box narrows the list; reordering
 * is off while filtered (a move among hidden tracks would be invisible).
 */
import type { QueueItem } from '../../src/protocol/messages';
import { el, icon, iconButton, setAttr, setHighlightedText, setIcon, setText } from '../dom';
import { filterIndices, matchRanges, queryWords, searchKey } from '../filter';
import { formatTime } from '../format';
import { computeWindow, dropIndex, scrollToReveal } from '../virtual-window';

export const ROW_HEIGHT = 24;
/** Pixels the pointer must travel before a press on a row becomes a drag. */
const DRAG_THRESHOLD = 4;
/** Distance from the list's edge where a drag scrolls it. */
const AUTOSCROLL_EDGE = 28;

export interface QueueActions {
  play(index: number): void;
  remove(index: number): void;
  move(from: number, to: number): void;
  playFolder(): void;
  /** Filter or scroll changed: persist them so a reloaded view comes back the same. */
  viewStateChanged(filter: string, scrollTop: number): void;
}

interface Row {
  readonly element: HTMLElement;
  readonly number: HTMLElement;
  readonly title: HTMLElement;
  readonly artist: HTMLElement;
  readonly album: HTMLElement;
  readonly duration: HTMLElement;
  /** Queue index, item and filter currently shown, to skip needless DOM writes. */
  index: number;
  item: QueueItem | undefined;
  query: string;
}

interface DragState {
  readonly from: number;
  readonly startY: number;
  readonly pointerId: number;
  active: boolean;
  clientY: number;
}

export class QueueView {
  readonly element: HTMLElement;
  private readonly count = el('span', { class: 'queue-count' });
  private readonly filterInput = el('input', {
    type: 'text',
    class: 'filter-input',
    placeholder: 'Filter by title, artist or album',
    'aria-label': 'Filter the queue',
    spellcheck: 'false',
  });
  private readonly clearFilter = iconButton('close', 'Clear filter', 'filter-clear');
  private readonly revealCurrent = iconButton('target', 'Show the current track', 'reveal-current');
  private readonly list = el('div', { class: 'queue-list', role: 'listbox', tabindex: 0, 'aria-label': 'Queue' });
  private readonly spacer = el('div', { class: 'queue-spacer' });
  private readonly rowsLayer = el('div', { class: 'queue-rows', role: 'presentation' });
  private readonly dropIndicator = el('div', { class: 'drop-indicator', 'aria-hidden': 'true', hidden: true });
  private readonly empty = el('div', { class: 'queue-empty', hidden: true });
  private readonly emptyText = el('p', { class: 'queue-empty-text' });
  private readonly playFolderButton = el('button', { type: 'button', class: 'button primary' }, icon('folder-opened'), 'Play Folder…');
  private readonly status = el('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });

  private items: readonly QueueItem[] = [];
  private keys: string[] | undefined;
  /** Queue indices shown, in order, when a filter is active; undefined shows all. */
  private view: number[] | undefined;
  private current = -1;
  /** Focused row, as a position in the shown list (not a queue index). */
  private focused = 0;
  /** No row looks selected until the user picks one (click, keyboard). */
  private hasSelection = false;
  private playing = false;
  private rows: Row[] = [];
  private viewportHeight = 0;
  private frame = 0;
  private drag: DragState | undefined;
  private autoscrollFrame = 0;
  private persistTimer = 0;

  constructor(
    private readonly actions: QueueActions,
    initialFilter = '',
    private initialScrollTop = 0,
  ) {
    this.filterInput.value = initialFilter;
    this.spacer.append(this.rowsLayer);
    this.list.append(this.spacer, this.dropIndicator);
    this.empty.append(el('span', { class: 'codicon codicon-library empty-icon', 'aria-hidden': 'true' }), this.emptyText, this.playFolderButton);

    const filterBox = el('div', { class: 'filter-box' }, icon('filter', 'filter-icon'), this.filterInput, this.clearFilter);
    this.element = el(
      'section',
      { class: 'queue', 'aria-labelledby': 'queue-heading' },
      el('header', { class: 'queue-header' }, el('h2', { id: 'queue-heading' }, 'Queue'), this.count, this.revealCurrent, filterBox),
      el(
        'div',
        { class: 'queue-columns', 'aria-hidden': 'true' },
        el('span', { class: 'cell number' }, '#'),
        el('span', { class: 'cell title' }, 'Title'),
        el('span', { class: 'cell artist' }, 'Artist'),
        el('span', { class: 'cell album' }, 'Album'),
        el('span', { class: 'cell duration' }, el('span', { class: 'codicon codicon-clock', title: 'Duration' })),
      ),
      el('div', { class: 'queue-body' }, this.list, this.empty),
      this.status,
    );

    this.filterInput.addEventListener('input', () => this.applyFilter());
    this.filterInput.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.filterInput.value) {
        event.preventDefault();
        this.filterInput.value = '';
        this.applyFilter();
      } else if (event.key === 'ArrowDown' && this.rowCount > 0) {
        event.preventDefault();
        this.list.focus();
      }
    });
    this.clearFilter.addEventListener('click', () => {
      this.filterInput.value = '';
      this.applyFilter();
      this.filterInput.focus();
    });
    this.playFolderButton.addEventListener('click', () => actions.playFolder());
    this.revealCurrent.addEventListener('click', () => this.showCurrent());

    this.list.addEventListener('scroll', () => {
      this.scheduleRender();
      // Saving the scroll position on every scroll event would be wasted work: save at rest.
      window.clearTimeout(this.persistTimer);
      this.persistTimer = window.setTimeout(() => this.persist(), 250);
    });
    this.list.addEventListener('keydown', (event) => this.onKeyDown(event));
    this.list.addEventListener('focus', () => {
      this.hasSelection = true;
      this.renderNow();
    });
    this.list.addEventListener('blur', () => this.renderNow());
    this.list.addEventListener('dblclick', (event) => {
      const index = this.indexFromEvent(event);
      if (index !== undefined) actions.play(index);
    });
    this.list.addEventListener('pointerdown', (event) => this.onPointerDown(event));
    this.list.addEventListener('pointermove', (event) => this.onPointerMove(event));
    this.list.addEventListener('pointerup', (event) => this.onPointerUp(event));
    this.list.addEventListener('pointercancel', () => this.cancelDrag());

    new ResizeObserver(() => {
      this.viewportHeight = this.list.clientHeight;
      // The column header must leave the same room as the list's scrollbar, whose width
      // depends on the platform and on VS Code's scrollbar styling: measure it.
      const scrollbar = this.list.offsetWidth - this.list.clientWidth;
      this.element.style.setProperty('--scrollbar-width', `${Math.max(0, scrollbar)}px`);
      this.scheduleRender();
    }).observe(this.list);
  }

  setItems(items: readonly QueueItem[]): void {
    this.items = items;
    this.keys = undefined;
    this.view = this.filterInput.value ? filterIndices(this.searchKeys(), this.filterInput.value) : undefined;
    this.focused = Math.min(this.focused, Math.max(0, this.rowCount - 1));
    for (const row of this.rows) row.item = undefined; // same index may now hold another track
    this.renderNow();
    if (this.initialScrollTop > 0 && items.length > 0) {
      this.list.scrollTop = this.initialScrollTop;
      this.initialScrollTop = 0;
    }
  }

  setCurrent(index: number): void {
    if (index === this.current) return;
    const wasInView = this.isInView(this.positionOf(this.current));
    this.current = index;
    // Follow the playing track only when the user was looking at it.
    const position = this.positionOf(index);
    if (wasInView && position >= 0) this.list.scrollTop = scrollToReveal(position, this.list.scrollTop, this.viewport(), ROW_HEIGHT);
    this.renderNow();
  }

  /** Whether the current track is playing (its row shows play) or not (pause). */
  setPlaying(playing: boolean): void {
    if (playing === this.playing) return;
    this.playing = playing;
    this.renderNow();
  }

  /** Scrolls the current track into view and focuses it (clearing a filter that hides it). */
  private showCurrent(): void {
    if (this.current < 0 || this.current >= this.items.length) return;
    if (this.positionOf(this.current) < 0) {
      this.filterInput.value = '';
      this.applyFilter();
    }
    const position = this.positionOf(this.current);
    // Centre it: the user asked where it is, so show it with some context around it.
    this.list.scrollTop = Math.max(0, position * ROW_HEIGHT - (this.viewport() - ROW_HEIGHT) / 2);
    this.list.focus({ preventScroll: true });
    this.focused = position;
    this.hasSelection = true;
    this.renderNow();
  }

  private get rowCount(): number {
    return this.view ? this.view.length : this.items.length;
  }

  private get filtering(): boolean {
    return this.view !== undefined;
  }

  private queueIndex(position: number): number {
    return this.view ? (this.view[position] ?? -1) : position;
  }

  /** Position of a queue index in the shown list, or -1 when filtered out. */
  private positionOf(index: number): number {
    if (index < 0) return -1;
    if (!this.view) return index < this.items.length ? index : -1;
    // view is sorted: binary search.
    let lo = 0;
    let hi = this.view.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const value = this.view[mid]!;
      if (value === index) return mid;
      if (value < index) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private searchKeys(): string[] {
    // Built on first use, not on every queue update: most queues are never filtered.
    return (this.keys ??= this.items.map(searchKey));
  }

  private applyFilter(): void {
    const query = this.filterInput.value;
    const focusedIndex = this.queueIndex(this.focused);
    this.view = query.trim() ? filterIndices(this.searchKeys(), query) : undefined;
    const kept = this.positionOf(focusedIndex);
    this.focused = kept >= 0 ? kept : 0;
    this.list.scrollTop = kept >= 0 ? scrollToReveal(kept, this.list.scrollTop, this.viewport(), ROW_HEIGHT) : 0;
    this.renderNow();
    setText(this.status, this.view ? `${this.view.length} of ${this.items.length} tracks match` : '');
    this.persist();
  }

  private viewport(): number {
    return this.viewportHeight || this.list.clientHeight;
  }

  private isInView(position: number): boolean {
    if (position < 0) return false;
    const top = position * ROW_HEIGHT;
    return top + ROW_HEIGHT > this.list.scrollTop && top < this.list.scrollTop + this.viewport();
  }

  private scheduleRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private renderNow(): void {
    if (this.frame) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
    }
    this.render();
  }

  private render(): void {
    const total = this.items.length;
    const shown = this.rowCount;
    this.renderChrome(total, shown);

    const slice = computeWindow({
      scrollTop: this.list.scrollTop,
      viewportHeight: this.viewport(),
      rowHeight: ROW_HEIGHT,
      count: shown,
    });
    this.spacer.style.height = `${slice.totalHeight}px`;
    this.rowsLayer.style.transform = `translateY(${slice.offset}px)`;

    const needed = slice.end - slice.start;
    while (this.rows.length < needed) this.rows.push(this.createRow());
    while (this.rows.length > needed) this.rows.pop()!.element.remove();

    const focusedPosition = document.activeElement === this.list ? this.focused : -1;
    let activeId: string | undefined;
    for (let i = 0; i < needed; i++) {
      const position = slice.start + i;
      const row = this.rows[i]!;
      const index = this.queueIndex(position);
      this.fillRow(row, index, position, shown);
      const isFocused = position === focusedPosition;
      row.element.classList.toggle('focused', isFocused);
      setAttr(row.element, 'aria-selected', String(this.hasSelection && position === this.focused));
      if (isFocused) activeId = row.element.id;
    }
    setAttr(this.list, 'aria-activedescendant', activeId);
  }

  private renderChrome(total: number, shown: number): void {
    const tracks = (n: number) => `${n.toLocaleString()} ${n === 1 ? 'track' : 'tracks'}`;
    setText(this.count, this.filtering ? `${shown.toLocaleString()} of ${tracks(total)}` : tracks(total));
    this.clearFilter.hidden = !this.filterInput.value;
    this.revealCurrent.disabled = this.current < 0 || this.current >= total;
    this.filterInput.disabled = total === 0 && !this.filterInput.value;

    const isEmpty = shown === 0;
    this.empty.hidden = !isEmpty;
    this.list.hidden = isEmpty;
    this.playFolderButton.hidden = total > 0;
    setText(this.emptyText, total === 0 ? 'The queue is empty.' : `No tracks match “${this.filterInput.value.trim()}”.`);
    setAttr(this.list, 'aria-label', `Queue, ${tracks(shown)}`);
    this.list.classList.toggle('filtered', this.filtering);
  }

  private createRow(): Row {
    const number = el('span', { class: 'cell number' });
    const title = el('span', { class: 'cell title' });
    const artist = el('span', { class: 'cell artist' });
    const album = el('span', { class: 'cell album' });
    const duration = el('span', { class: 'cell duration' });
    const element = el('div', { class: 'row', role: 'option' }, number, title, artist, album, duration);
    this.rowsLayer.append(element);
    return { element, number, title, artist, album, duration, index: -1, item: undefined, query: '' };
  }

  private fillRow(row: Row, index: number, position: number, setSize: number): void {
    const item = this.items[index];
    const isCurrent = index === this.current;
    const query = this.view ? this.filterInput.value : '';
    if (row.index !== index || row.item !== item || row.query !== query) {
      row.index = index;
      row.item = item;
      row.query = query;
      row.element.id = `queue-row-${index}`;
      row.element.dataset.index = String(index);
      // While filtering, the matched parts are highlighted as in VS Code's own lists.
      const words = query ? queryWords(query) : [];
      const show = (cell: HTMLElement, text: string) => setHighlightedText(cell, text, matchRanges(text, words));
      show(row.title, item?.title ?? '');
      show(row.artist, item?.artist ?? '');
      show(row.album, item?.album ?? '');
      setText(row.duration, item?.durationMs !== undefined ? formatTime(item.durationMs) : '');
      row.element.title = item ? [item.title, item.artist, item.album].filter(Boolean).join(' — ') : '';
    }
    setAttr(row.element, 'aria-posinset', String(position + 1));
    setAttr(row.element, 'aria-setsize', String(setSize));
    setAttr(row.element, 'aria-current', isCurrent ? 'true' : undefined);
    row.element.classList.toggle('current', isCurrent);
    if (isCurrent) {
      const glyph = this.playing ? 'play' : 'debug-pause';
      let current = row.number.firstElementChild as HTMLElement | null;
      if (!current) {
        row.number.textContent = '';
        current = row.number.appendChild(icon(glyph, 'now-playing-icon'));
      }
      setIcon(current, glyph);
      setAttr(row.number, 'aria-label', this.playing ? 'Playing' : 'Current track');
    } else {
      setAttr(row.number, 'aria-label', undefined);
      setText(row.number, String(index + 1));
    }
  }

  // ---- keyboard ----------------------------------------------------------------------------

  private onKeyDown(event: KeyboardEvent): void {
    const count = this.rowCount;
    if (count === 0) return;
    const page = Math.max(1, Math.floor(this.viewport() / ROW_HEIGHT) - 1);
    let next: number | undefined;
    if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      event.preventDefault();
      this.moveFocusedBy(event.key === 'ArrowUp' ? -1 : 1);
      return;
    }
    switch (event.key) {
      case 'ArrowDown':
        next = this.focused + 1;
        break;
      case 'ArrowUp':
        next = this.focused - 1;
        break;
      case 'PageDown':
        next = this.focused + page;
        break;
      case 'PageUp':
        next = this.focused - page;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = count - 1;
        break;
      case 'Enter':
        event.preventDefault();
        this.actions.play(this.queueIndex(this.focused));
        return;
      case 'Delete':
      case 'Backspace':
        event.preventDefault();
        this.removeFocused();
        return;
      default:
        return;
    }
    event.preventDefault();
    this.focusPosition(Math.min(count - 1, Math.max(0, next)));
  }

  private focusPosition(position: number): void {
    this.focused = position;
    this.hasSelection = true;
    this.list.scrollTop = scrollToReveal(position, this.list.scrollTop, this.viewport(), ROW_HEIGHT);
    this.renderNow();
  }

  private removeFocused(): void {
    const index = this.queueIndex(this.focused);
    const item = this.items[index];
    if (!item) return;
    this.actions.remove(index);
    setText(this.status, `Removed ${item.title}`);
  }

  private moveFocusedBy(delta: number): void {
    if (this.filtering) {
      setText(this.status, 'Clear the filter to reorder the queue');
      return;
    }
    const from = this.focused;
    const to = from + delta;
    if (to < 0 || to >= this.items.length) return;
    this.actions.move(from, to);
    this.focused = to;
    this.list.scrollTop = scrollToReveal(to, this.list.scrollTop, this.viewport(), ROW_HEIGHT);
    setText(this.status, `Moved to position ${to + 1}`);
  }

  // ---- mouse: select, drag to reorder ----------------------------------------------------

  private indexFromEvent(event: Event): number | undefined {
    const row = (event.target as Element | null)?.closest<HTMLElement>('.row');
    const index = row ? Number(row.dataset.index) : NaN;
    return Number.isInteger(index) && index >= 0 ? index : undefined;
  }

  private onPointerDown(event: PointerEvent): void {
    if (event.button !== 0) return;
    const index = this.indexFromEvent(event);
    if (index === undefined) return;
    const position = this.positionOf(index);
    if (position < 0) return;
    this.focused = position;
    this.hasSelection = true;
    // Focus without scrolling the list to where the browser thinks the focus is.
    this.list.focus({ preventScroll: true });
    this.renderNow();
    if (!this.filtering) {
      this.drag = { from: index, startY: event.clientY, pointerId: event.pointerId, active: false, clientY: event.clientY };
    }
  }

  private onPointerMove(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag || event.pointerId !== drag.pointerId) return;
    drag.clientY = event.clientY;
    if (!drag.active) {
      if (Math.abs(event.clientY - drag.startY) < DRAG_THRESHOLD) return;
      drag.active = true;
      // Capture only once dragging, so plain clicks and double-clicks keep their row target.
      this.list.setPointerCapture(event.pointerId);
      this.list.classList.add('dragging');
    }
    this.updateDropIndicator();
    this.autoscroll();
  }

  private onPointerUp(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag || event.pointerId !== drag.pointerId) return;
    if (drag.active) {
      const to = dropIndex(drag.from, this.contentY(event.clientY), ROW_HEIGHT, this.items.length);
      if (to !== drag.from) {
        this.actions.move(drag.from, to);
        this.focused = to;
        setText(this.status, `Moved to position ${to + 1}`);
      }
    }
    this.cancelDrag();
  }

  private cancelDrag(): void {
    if (this.drag?.active && this.list.hasPointerCapture(this.drag.pointerId)) {
      this.list.releasePointerCapture(this.drag.pointerId);
    }
    this.drag = undefined;
    this.dropIndicator.hidden = true;
    this.list.classList.remove('dragging');
    cancelAnimationFrame(this.autoscrollFrame);
    this.autoscrollFrame = 0;
    this.renderNow();
  }

  /** A pointer's y in list-content coordinates (including the scrolled-away part). */
  private contentY(clientY: number): number {
    return clientY - this.list.getBoundingClientRect().top + this.list.scrollTop;
  }

  private updateDropIndicator(): void {
    const drag = this.drag;
    if (!drag) return;
    const to = dropIndex(drag.from, this.contentY(drag.clientY), ROW_HEIGHT, this.items.length);
    // The line sits in the gap the row will land in.
    const gap = to > drag.from ? to + 1 : to;
    this.dropIndicator.hidden = false;
    this.dropIndicator.style.transform = `translateY(${gap * ROW_HEIGHT - 1}px)`;
  }

  private autoscroll(): void {
    if (this.autoscrollFrame) return;
    const step = () => {
      this.autoscrollFrame = 0;
      const drag = this.drag;
      if (!drag?.active) return;
      const rect = this.list.getBoundingClientRect();
      const above = rect.top + AUTOSCROLL_EDGE - drag.clientY;
      const below = drag.clientY - (rect.bottom - AUTOSCROLL_EDGE);
      const speed = above > 0 ? -above : below > 0 ? below : 0;
      if (speed === 0) return;
      this.list.scrollTop += Math.round(speed / 2);
      this.updateDropIndicator();
      this.autoscrollFrame = requestAnimationFrame(step);
    };
    this.autoscrollFrame = requestAnimationFrame(step);
  }

  private persist(): void {
    this.actions.viewStateChanged(this.filterInput.value, this.list.scrollTop);
  }
}
