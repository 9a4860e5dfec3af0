// editing.js: what the panels' pointer events do. Dragging a memory sends
// `move` messages through a MovePipe: each new pointer position (at most
// one per animation frame, panel.js) goes out at once while fewer than
// MOVES_IN_FLIGHT moves are unanswered; beyond that only the newest
// position waits, older ones are dropped, so nothing queues up. Double-click
// adds a memory, click selects one, Shift+click traces a query (`probe`),
// and hovering shows the readout in every panel. A probe is traced again
// whenever the landscape under it changes (epoch, iteration or scenario).

/**
 * How many moves may be unanswered at once. Two keep the server rendering
 * while the page paints, without frames that come too fast to be painted:
 * with three, the drag benchmark (README, "In the browser") rendered and
 * decoded more frames that were never shown, and its median was higher.
 */
export const MOVES_IN_FLIGHT = 2;

// A move is taken as answered after this long even without an answer, so
// a lost reply cannot freeze dragging.
export const MOVE_TIMEOUT_MS = 1000;

/**
 * MovePipe keeps at most `max` moves in flight. The session applies
 * messages in order, so an answer that reflects seq q (a painted frame or
 * an error with seq ≥ q) answers every move up to q. Pure: the messages
 * go out through send, the clock is given.
 */
export class MovePipe {
  /**
   * @param {object} opts
   * @param {(move: object) => number} opts.send sends a move, returns its seq or 0 when it could not
   * @param {number} [opts.max] moves in flight at most
   * @param {number} [opts.timeoutMs] a move unanswered this long counts as answered
   * @param {() => number} [opts.now] the clock, ms
   * @param {(fn: () => void, ms: number) => any} [opts.setTimer]
   * @param {(id: any) => void} [opts.clearTimer]
   */
  constructor({send, max = MOVES_IN_FLIGHT, timeoutMs = MOVE_TIMEOUT_MS, now = () => performance.now(), setTimer = (fn, ms) => setTimeout(fn, ms), clearTimer = (id) => clearTimeout(id)}) {
    if (!(Number.isInteger(max) && max >= 1)) throw new Error(`move pipe: max ${max}, want a positive integer`);
    Object.assign(this, {send, max, timeoutMs, now, setTimer, clearTimer});
    this.inflight = []; // [{seq, at}] in the order sent
    this.pending = null; // the newest move not sent yet
    this.timer = null;
  }

  /** offer takes a new position; it is sent at once unless max moves are unanswered. */
  offer(move) {
    this.pending = move;
    this.pump();
  }

  /**
   * last sends the position a drag ended at, at once even when max moves
   * are unanswered (one more, once per drag): the picture at rest must not
   * wait for the frames of positions already passed. A waiting position is
   * dropped.
   */
  last(move) {
    this.pending = null;
    const seq = this.send(move);
    if (seq) this.inflight.push({seq, at: this.now()});
    this.arm();
  }

  /** answered takes an answer that reflects seq: the moves up to seq are answered. */
  answered(seq) {
    if (!(seq > 0) || !this.inflight.length || seq < this.inflight[0].seq) return;
    let k = 0;
    while (k < this.inflight.length && this.inflight[k].seq <= seq) k++;
    this.inflight.splice(0, k);
    this.pump();
  }

  /** reset forgets every move in flight or waiting (a new connection answers nothing). */
  reset() {
    this.inflight.length = 0;
    this.pending = null;
    this.arm();
  }

  /** waiting is the seq of the oldest unanswered move, 0 for none. */
  get waiting() {
    return this.inflight.length ? this.inflight[0].seq : 0;
  }

  pump() {
    while (this.pending && this.inflight.length < this.max) {
      const m = this.pending;
      this.pending = null;
      const seq = this.send(m);
      if (seq) this.inflight.push({seq, at: this.now()});
    }
    this.arm();
  }

  // arm keeps one timer, for the oldest unanswered move.
  arm() {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    if (!this.inflight.length) return;
    const wait = Math.max(0, this.inflight[0].at + this.timeoutMs - this.now());
    this.timer = this.setTimer(() => {
      this.timer = null;
      const cut = this.now() - this.timeoutMs;
      while (this.inflight.length && this.inflight[0].at <= cut) this.inflight.shift();
      this.pump();
    }, wait);
  }
}

/**
 * createEditing returns the handler of PanelView events and the probe
 * commands.
 * @param {{store: object, send: (msg: object) => number,
 *   timeline?: {moveSent: (seq: number, ts: number, sentAt: number) => void}}} deps
 *   timeline records every move sent (timeline.js)
 */
export function createEditing({store, send, timeline = null}) {
  const {dispatch, getState} = store;
  const moves = new MovePipe({
    send(m) {
      const seq = send({type: 'move', i: m.i, x: m.x, y: m.y});
      if (seq && timeline) timeline.moveSent(seq, m.ts, performance.now());
      return seq;
    },
  });

  // A move is answered by the painted frame that shows it (what the user
  // waits for), or by an error about it. The state that acknowledges it
  // comes at once and does not count: moves sent faster than the page
  // paints would only make the server render, and the page decode, frames
  // that are never shown.
  store.subscribe((s, prev) => {
    if (!moves.waiting) return;
    if (s.drawn !== prev.drawn) moves.answered(s.drawn.seq);
    if (s.lastError !== prev.lastError && s.lastError) moves.answered(s.lastError.seq);
  });

  // Probes: a new query goes out at once; traces of the same query again
  // (the landscape changed) wait while one is unanswered, and only the
  // newest waits, so playing fast cannot pile them up.
  let probeInflight = 0; // seq of the unanswered probe, 0 for none
  let probeAgain = false; // the landscape changed while one was unanswered

  /** probe traces the query (x, y) of space. */
  function probe(space, x, y) {
    const seq = send({type: 'probe', space, x, y});
    if (!seq) return;
    probeInflight = seq;
    probeAgain = false;
    dispatch({type: 'probe-request', space, x, y, seq});
  }

  function probeChanged() {
    const p = getState().probe;
    if (!p) return;
    if (probeInflight) probeAgain = true;
    else probe(p.space, p.x, p.y);
  }

  // A probe is answered by its reply, or by an error about it; a new
  // connection answers nothing sent on the old one.
  store.subscribe((s, prev) => {
    if (s.status !== prev.status) {
      probeInflight = 0;
      moves.reset();
    }
    if (!probeInflight) return;
    const replied = s.probe !== prev.probe && s.probe && s.probe.replySeq >= probeInflight;
    const refused = s.lastError !== prev.lastError && s.lastError && s.lastError.seq >= probeInflight;
    if (!replied && !refused && s.probe) return;
    probeInflight = 0;
    if (probeAgain && s.probe) probe(s.probe.space, s.probe.x, s.probe.y);
  });

  // Trace the probe again when the landscape under it changes.
  let landscape = '';
  store.subscribe((s, prev) => {
    if (!s.server || s.server === prev.server) return;
    const key = `${s.server.epoch}|${s.server.t}|${JSON.stringify(s.server.scenario)}`;
    if (key === landscape) return;
    landscape = key;
    probeChanged();
  });

  /** onPanelEvent handles one PanelView event (with its panelIndex). */
  function onPanelEvent(ev) {
    switch (ev.type) {
      case 'move': {
        const m = {i: ev.i, x: ev.x, y: ev.y, ts: ev.ts ?? performance.now()};
        if (ev.last) moves.last(m);
        else moves.offer(m);
        break;
      }
      case 'add':
        send({type: 'add', x: ev.x, y: ev.y});
        break;
      case 'select':
        dispatch({type: 'select', i: ev.i ?? null});
        break;
      case 'hover':
        dispatch({type: 'hover', hover: ev.space ? {space: ev.space, x: ev.x, y: ev.y, panelIndex: ev.panelIndex, dragging: Boolean(ev.dragging)} : null});
        break;
      case 'probe':
        probe(ev.space, ev.x, ev.y);
        break;
      default:
        break;
    }
  }

  return {
    onPanelEvent,
    clearProbe: () => dispatch({type: 'probe-clear'}),
    /** removeSelected removes the selected memory; false when none is. */
    removeSelected() {
      const i = getState().ui.selected;
      if (i === null || !getState().server) return false;
      send({type: 'remove', i});
      dispatch({type: 'select', i: null});
      return true;
    },
  };
}
