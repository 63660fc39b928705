/**
 * Maps "frames the device has consumed" back to "which track, which frame" (cmus player.c:
 * the position is what was consumed, not what was decoded or written).
 *
 * Every write to the sink appends a segment: where it starts in the device's frame count,
 * how long it is, and which session/frame of a track it carries (or silence). What is heard
 * now is the segment that contains the sink's consumed-frame count.
 */

export interface Segment {
  /** Index of the segment's first frame in the sink's written-frame count. */
  readonly deviceStart: number;
  readonly frames: number;
  readonly sessionId: number;
  /** Track frame of the first frame; for silence, the track frame that follows it. */
  readonly trackFrame: number;
  readonly silent: boolean;
}

export interface HeardPosition {
  readonly sessionId: number;
  readonly trackFrame: number;
}

export class PositionTracker {
  private segments: Segment[] = [];

  reset(): void {
    this.segments = [];
  }

  append(segment: Segment): void {
    if (segment.frames > 0) this.segments.push(segment);
  }

  /** The lastly written segment, if any. */
  get last(): Segment | undefined {
    return this.segments[this.segments.length - 1];
  }

  /**
   * What the listener hears at `consumed` device frames; drops segments already heard. Before
   * the first segment kept (nothing of it heard yet, or a count that went back behind segments
   * already dropped) that is the first segment's start: never a frame the listener has not
   * reached or has long left.
   */
  heardAt(consumed: number): HeardPosition | undefined {
    let index = -1;
    for (let i = 0; i < this.segments.length; i++) {
      if ((this.segments[i] as Segment).deviceStart <= consumed) index = i;
      else break;
    }
    if (index < 0) {
      const first = this.segments[0];
      return first && { sessionId: first.sessionId, trackFrame: first.trackFrame };
    }
    if (index > 0) {
      this.segments.splice(0, index);
    }
    const s = this.segments[0] as Segment;
    if (s.silent) return { sessionId: s.sessionId, trackFrame: s.trackFrame };
    return { sessionId: s.sessionId, trackFrame: s.trackFrame + Math.min(s.frames, consumed - s.deviceStart) };
  }
}
