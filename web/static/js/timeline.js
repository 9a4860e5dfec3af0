// timeline.js: what the page did when, for measuring how quick it feels
// (README, "In the browser"). Two bounded rings, always on: the `move`
// messages sent while a memory is dragged and the frames painted. Each
// entry is a few numbers written once, so keeping them costs next to
// nothing; the oldest entries are overwritten. window.__hoplab.timeline
// (testhook.js) hands out copies.
//
// Times are performance.now() milliseconds, the clock of Event.timeStamp.

/** How many entries each ring keeps: a drag of a minute at 60 Hz. */
export const TIMELINE_CAPACITY = 4096;

/**
 * Ring keeps the newest `capacity` entries pushed into it.
 */
export class Ring {
  /** @param {number} capacity at least 1 */
  constructor(capacity) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new Error(`ring: capacity ${capacity}, want a positive integer`);
    this.items = new Array(capacity);
    this.next = 0; // index of the slot the next push writes
    this.pushed = 0; // entries pushed so far, overwritten ones included
  }

  /** push adds v, overwriting the oldest entry when the ring is full. */
  push(v) {
    this.items[this.next] = v;
    this.next = (this.next + 1) % this.items.length;
    this.pushed++;
  }

  /** size is how many entries the ring holds. */
  get size() {
    return Math.min(this.pushed, this.items.length);
  }

  /** toArray returns the entries held, oldest first. */
  toArray() {
    const n = this.size;
    const cap = this.items.length;
    const start = (this.next - n + cap) % cap;
    const out = new Array(n);
    for (let k = 0; k < n; k++) out[k] = this.items[(start + k) % cap];
    return out;
  }
}

/**
 * createTimeline makes the page's two rings:
 *   moves:  {seq, ts, sentAt} per `move` sent: its seq, the timeStamp of
 *           the newest pointer event whose position it carries, and when it
 *           was sent;
 *   paints: {seq, t, nx, ny, coarse, arrivedAt, paintStart, paintEnd} per frame
 *           painted: the frame's seq, iteration, grid and coarse flag, when
 *           its message arrived on the socket (the event's timeStamp), and
 *           when the page started and ended writing the panels' canvases.
 * @param {number} [capacity]
 */
export function createTimeline(capacity = TIMELINE_CAPACITY) {
  const moves = new Ring(capacity);
  const paints = new Ring(capacity);
  return {
    moves,
    paints,
    /** moveSent records a sent move. */
    moveSent(seq, ts, sentAt) {
      moves.push(Object.freeze({seq, ts, sentAt}));
    },
    /** painted records a painted frame. */
    painted(frame, paintStart, paintEnd) {
      paints.push(Object.freeze({seq: frame.seq, t: frame.t, nx: frame.nx, ny: frame.ny, coarse: Boolean(frame.coarse),
        arrivedAt: frame.arrivedAt ?? null, paintStart, paintEnd}));
    },
  };
}
