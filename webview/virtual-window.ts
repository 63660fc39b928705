/**
 * The math of a virtualized list with fixed-height rows: which rows to put in the DOM for a
 * scroll position. Pure, so it is unit-tested without a browser.
 */
export interface WindowInput {
  readonly scrollTop: number;
  readonly viewportHeight: number;
  readonly rowHeight: number;
  readonly count: number;
  /** Extra rows rendered above and below the viewport so fast scrolling shows no gaps. */
  readonly overscan?: number;
}

export interface RowWindow {
  /** First row index rendered (inclusive). */
  readonly start: number;
  /** Last row index rendered (exclusive). */
  readonly end: number;
  /** translateY of the first rendered row. */
  readonly offset: number;
  /** Height of the whole list, for the scroll spacer. */
  readonly totalHeight: number;
}

export function computeWindow(input: WindowInput): RowWindow {
  const { rowHeight, count } = input;
  const overscan = input.overscan ?? 6;
  const totalHeight = Math.max(0, count * rowHeight);
  if (count <= 0 || !(rowHeight > 0)) return { start: 0, end: 0, offset: 0, totalHeight };
  const maxScroll = Math.max(0, totalHeight - input.viewportHeight);
  const scrollTop = Math.min(Math.max(0, input.scrollTop), maxScroll);
  const first = Math.floor(scrollTop / rowHeight);
  const visible = Math.ceil(Math.max(0, input.viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end, offset: start * rowHeight, totalHeight };
}

/** The scrollTop that brings row `index` fully into view, changing as little as possible. */
export function scrollToReveal(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}

/** The row under a y coordinate measured from the top of the list content. */
export function rowAt(y: number, rowHeight: number, count: number): number {
  if (count <= 0) return -1;
  return Math.min(count - 1, Math.max(0, Math.floor(y / rowHeight)));
}

/**
 * Where a dragged row lands: the index it will have after the move, for a drop at content
 * coordinate `y` (dropping on a row's lower half places it after that row).
 */
export function dropIndex(from: number, y: number, rowHeight: number, count: number): number {
  if (count <= 0) return 0;
  const slot = Math.min(count, Math.max(0, Math.round(y / rowHeight))); // gap between rows
  // Removing `from` first shifts the gaps after it up by one.
  return Math.min(count - 1, slot > from ? slot - 1 : slot);
}
