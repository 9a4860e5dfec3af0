// editing.js: what the panels' pointer events do. Dragging a memory sends
// `move` messages, coalesced: one in flight at a time, and while it is,
// only the newest position waits (older ones are dropped). Double-click
// adds a memory, click selects one, Shift+click traces a query (`probe`),
// and hovering shows the readout in every panel. A probe is traced again
// whenever the landscape under it changes (epoch, iteration or scenario).

// A move is taken as answered after this long even without an answer, so
// a lost reply cannot freeze dragging.
const MOVE_TIMEOUT_MS = 1000;

/**
 * createEditing returns the handler of PanelView events and the probe
 * commands.
 * @param {{store: object, send: (msg: object) => number,
 *   timeline?: {moveSent: (seq: number, ts: number, sentAt: number) => void}}} deps
 *   timeline records every move sent (timeline.js)
 */
export function createEditing({store, send, timeline = null}) {
  const {dispatch, getState} = store;
  let inflight = 0; // seq of the move awaiting its answer, 0 for none
  let pending = null; // the newest move not sent yet
  let timer = 0;

  function pump() {
    if (inflight || !pending) return;
    const m = pending;
    pending = null;
    inflight = send({type: 'move', i: m.i, x: m.x, y: m.y});
    if (inflight && timeline) timeline.moveSent(inflight, m.ts, performance.now());
    if (inflight) {
      clearTimeout(timer);
      timer = setTimeout(answered, MOVE_TIMEOUT_MS);
    }
  }

  function answered() {
    inflight = 0;
    clearTimeout(timer);
    pump();
  }

  // A move is answered by any state, frame or error that reflects its seq.
  store.subscribe((s, prev) => {
    if (!inflight) return;
    const seqs = [
      s.server !== prev.server ? s.server?.seq : 0,
      s.frame !== prev.frame ? s.frame?.seq : 0,
      s.lastError !== prev.lastError ? s.lastError?.seq : 0,
    ];
    if (seqs.some((q) => q >= inflight)) answered();
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
      inflight = 0;
      pending = null;
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
  store.subscribe((s) => {
    if (!s.server) return;
    const key = `${s.server.epoch}|${s.server.t}|${JSON.stringify(s.server.scenario)}`;
    if (key === landscape) return;
    landscape = key;
    probeChanged();
  });

  /** onPanelEvent handles one PanelView event (with its panelIndex). */
  function onPanelEvent(ev) {
    switch (ev.type) {
      case 'move':
        pending = {i: ev.i, x: ev.x, y: ev.y, ts: ev.ts ?? performance.now()};
        pump();
        break;
      case 'add':
        send({type: 'add', x: ev.x, y: ev.y});
        break;
      case 'select':
        dispatch({type: 'select', i: ev.i ?? null});
        break;
      case 'hover':
        dispatch({type: 'hover', hover: ev.space ? {space: ev.space, x: ev.x, y: ev.y, panelIndex: ev.panelIndex} : null});
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
