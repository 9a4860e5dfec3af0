// store.js: the page's single state object and the only place it changes.
//
// Data flows one way: server messages and UI events become actions,
// dispatch(action) runs the reducer to get the next state, and every
// subscriber is told so it can draw what it is given. The reducer never
// touches the DOM or the network and never mutates the previous state:
// each slice it changes is a new object, so subscribers can compare slices
// by identity to skip work.

/** Separation maps the page knows by name, in their canonical order. */
export const KNOWN_SEPARATIONS = ['softmax', 'entmax15', 'sparsemax'];

/** Views in row order. */
export const VIEW_ORDER = ['input', 'feature'];

/**
 * initialState is the state before the websocket says anything.
 * @returns {object}
 */
/** What the panels can paint; see initialState's ui.show. */
export const SHOW_MODES = Object.freeze(['both', 'basins', 'energy']);

export function initialState() {
  return {
    status: 'connecting', // connecting | live | reconnecting | offline
    hello: null, // the server's hello: {limits, presets, defaultPreset}
    server: null, // the latest `state` message
    frame: null, // the newest decoded frame, with .separations added
    drawn: {frames: 0, seq: 0, frame: null}, // frames painted; the last one and its seq
    metrics: {epoch: -1, loss: [], deltaMin: [], minAngleDeg: []},
    // White (unlabeled) fractions: one series per map and view, keyed
    // "map|view", each a Map iteration → fraction; coarse: the iterations
    // whose fractions came from coarse frames while playing (addUnlabeled).
    unlabeled: {epoch: -1, series: {}, coarse: new Set()},
    // show: what the panels paint: 'energy' (the heatmap), 'basins' (flat
    // basin colours, white where no single memory), or 'both' (flat basins
    // with the energy's contour lines).
    // The active preset is not kept here: the server says in every state
    // message which preset, if any, the scenario on show is (server.preset).
    ui: {show: 'both', selected: null, hover: null},
    probe: null, // {space, x, y, seq (of the request), paths|null, replySeq}
    errors: {fields: {}, general: null}, // field name → message
    lastError: null, // the last error message from the server
    // lesson: what a lesson link hides and locks, {hide: [names], lock:
    // [names]} (lesson.js), or null; tour: the guided tour's step
    // (0-based) while it runs, or null (tour.js).
    lesson: null,
    tour: null,
    // origin: where the scenario on show came from, for the caption under
    // the presets (presets.js): {kind: 'preset', name}, {kind: 'file',
    // name, m, d} or {kind: 'link'}, with seq, the message that loaded it,
    // and key, the scenarioKey of the scenario as it came (files and
    // links; null for presets, whose state names them). Until the state
    // that answers seq, it keeps the origin before it in prev, given back
    // should the load be refused (nextOrigin).
    origin: null,
  };
}

/**
 * createStore holds one state and tells subscribers about each change.
 * An action dispatched while subscribers are being told about another one
 * waits until all of them have been told, so every subscriber sees the
 * changes in order and never an older state after a newer one.
 * @param {object} state the first state
 * @param {(state: object, action: object) => object} reducer
 */
export function createStore(state, reducer) {
  const subs = new Set();
  const queue = [];
  let busy = false;
  return {
    getState: () => state,
    /** dispatch applies one action; subscribers run after the change. */
    dispatch(action) {
      queue.push(action);
      if (busy) return;
      busy = true;
      try {
        while (queue.length > 0) {
          const a = queue.shift();
          const next = reducer(state, a);
          if (next === state) continue;
          const prev = state;
          state = next;
          for (const fn of subs) fn(state, prev, a);
        }
      } catch (err) {
        queue.length = 0;
        throw err;
      } finally {
        busy = false;
      }
    },
    /** subscribe calls fn(state, prev, action) after every change; returns an unsubscribe. */
    subscribe(fn) {
      subs.add(fn);
      return () => subs.delete(fn);
    },
  };
}

/**
 * reduce is the page's reducer: (state, action) → next state.
 * @param {object} s
 * @param {object} a
 */
export function reduce(s, a) {
  switch (a.type) {
    case 'status':
      return s.status === a.status ? s : {...s, status: a.status};
    case 'hello':
      return {...s, hello: a.hello};
    case 'state':
      return onState(s, a.msg);
    case 'metrics':
      return {...s, metrics: mergeMetrics(s.metrics, a.msg)};
    case 'frame':
      return {...s, frame: a.frame, unlabeled: addUnlabeled(s.unlabeled, a.frame, Boolean(s.server?.playing))};
    case 'drawn':
      return {...s, drawn: {frames: s.drawn.frames + 1, seq: a.frame.seq, frame: a.frame}};
    case 'hover':
      return {...s, ui: {...s.ui, hover: a.hover}};
    case 'select':
      return s.ui.selected === a.i ? s : {...s, ui: {...s.ui, selected: a.i}};
    case 'show':
      if (!SHOW_MODES.includes(a.value)) return s;
      return {...s, ui: {...s.ui, show: a.value}};
    case 'preset': {
      // A new scenario: field errors are moot; page-side messages stay.
      const general = s.errors.general && s.errors.general.seq === Infinity ? s.errors.general : null;
      return {...s, ui: {...s.ui, selected: null}, errors: {fields: {}, general}};
    }
    case 'probe-request': {
      const same = s.probe && sameQuery(s.probe, a);
      return {...s, probe: {space: a.space, x: a.x, y: a.y, seq: a.seq, paths: same ? s.probe.paths : null, replySeq: same ? s.probe.replySeq : 0}};
    }
    case 'probe-reply':
      if (!s.probe || !sameQuery(s.probe, a.msg)) return s;
      return {...s, probe: {...s.probe, paths: a.msg.paths, replySeq: a.msg.seq ?? 0}};
    case 'probe-clear':
      return {...s, probe: null};
    case 'lesson':
      return {...s, lesson: a.lesson ?? null};
    case 'unlabeled-restore':
      return {...s, unlabeled: restoreUnlabeled(s.unlabeled, a.kept)};
    case 'tour':
      return s.tour === (a.step ?? null) ? s : {...s, tour: a.step ?? null};
    case 'origin': {
      const {prev: _, ...o} = a.origin;
      return {...s, origin: {...o, key: o.key ?? null, seq: a.seq ?? 0, prev: s.origin}};
    }
    case 'field-error':
      return {...s, errors: {...s.errors, fields: {...s.errors.fields, [a.name]: a.message}}};
    case 'field-ok': {
      if (!(a.name in s.errors.fields)) return s;
      const fields = {...s.errors.fields};
      delete fields[a.name];
      return {...s, errors: {...s.errors, fields}};
    }
    case 'server-error':
      return onServerError(s, a.msg, a.name);
    case 'general-error':
      // A page-side error (no seq) stays until dismissed.
      return {...s, errors: {...s.errors, general: a.message ? {message: a.message, seq: a.seq ?? Infinity} : null}};
    default:
      throw new Error(`store: unknown action ${a.type}`);
  }
}

function sameQuery(p, q) {
  return p.space === q.space && p.x === q.x && p.y === q.y;
}

// onState takes a `state` message. A server's general error goes away once
// a later message has been applied; the selection goes when its memory does.
function onState(s, msg) {
  let {errors, ui} = s;
  // A divergence stays as long as the run it is about (its epoch): the run
  // keeps stopping there whatever else is applied.
  const g = errors.general;
  if (g && msg.seq > g.seq && !(g.code === 'diverged' && msg.epoch === g.epoch)) {
    errors = {...errors, general: null};
  }
  const m = msg.dims ? msg.dims.m : 0;
  if (ui.selected !== null && ui.selected >= m) {
    ui = {...ui, selected: null};
  }
  // White shares of other retrieval or grid settings are of another
  // picture: the series start again.
  // (An empty record stays the same object, so a drag, which changes the
  // scenario with every move, does not make the charts draw again.)
  let unlabeled = s.unlabeled;
  const empty = unlabeled.epoch === -1 && Object.keys(unlabeled.series).length === 0;
  if (!empty && s.server && renderKey(s.server.scenario) !== renderKey(msg.scenario)) unlabeled = {epoch: -1, series: {}, coarse: new Set()};
  return {...s, server: msg, errors, ui, unlabeled, origin: nextOrigin(s.origin, msg)};
}

// nextOrigin is the origin after a state message: the preset it names,
// if any; else an origin waiting for this answer to its load is taken,
// its key that of the scenario as it came. States that answer earlier
// messages change nothing.
function nextOrigin(origin, msg) {
  if (!origin) return msg.preset ? {kind: 'preset', name: msg.preset, key: null, seq: 0} : null;
  if (msg.seq < origin.seq) return origin;
  if (msg.preset) {
    if (origin.kind === 'preset' && origin.name === msg.preset && origin.prev === undefined) return origin;
    return {kind: 'preset', name: msg.preset, key: null, seq: origin.seq};
  }
  if (origin.prev === undefined) return origin;
  const {prev: _, ...o} = origin;
  return {...o, key: o.kind === 'preset' ? null : (o.key ?? scenarioKey(msg.scenario))};
}

/**
 * originEdited tells whether the scenario on show differs from the one its
 * origin gave: a preset's no longer named by the state, a file's or a
 * link's changed in anything but the iteration.
 * @param {object|null} origin the store's origin
 * @param {object|null} server the store's state message
 */
export function originEdited(origin, server) {
  if (!origin || !server) return false;
  if (origin.kind === 'preset') return server.preset !== origin.name;
  return origin.key !== null && scenarioKey(server.scenario) !== origin.key;
}

/**
 * scenarioKey is a scenario written without its iteration (uhop.iterations):
 * equal keys are the same scenario at any iteration.
 * @param {object} sc
 */
export function scenarioKey(sc) {
  if (!sc || typeof sc !== 'object') return '';
  let key = scenarioKeys.get(sc);
  if (key === undefined) {
    key = JSON.stringify(sc.uhop ? {...sc, uhop: {...sc.uhop, iterations: undefined}} : sc);
    scenarioKeys.set(sc, key);
  }
  return key;
}

const scenarioKeys = new WeakMap();

// onServerError files a server error next to its control (name) when there
// is one, else in the general area. A divergence goes to both: it stops the
// run, so it must be seen even with the parameters folded away.
function onServerError(s, msg, name) {
  const text = msg.message || msg.code || 'error';
  let errors = s.errors;
  // A refused load: the scenario stays, and so does where it came from.
  let origin = s.origin;
  if (origin && origin.prev !== undefined && msg.seq === origin.seq && msg.code !== 'diverged') origin = origin.prev;
  if (name) errors = {...errors, fields: {...errors.fields, [name]: text}};
  if (msg.code === 'diverged') errors = {...errors, general: {message: text, seq: msg.seq ?? 0, code: msg.code, epoch: s.server?.epoch ?? null}};
  else if (!name) errors = {...errors, general: {message: text, seq: msg.seq ?? 0}};
  return {...s, errors, lastError: {...msg}, origin};
}

// mergeMetrics writes a `metrics` message's arrays from index `from`; a new
// epoch starts the curves again.
function mergeMetrics(cur, msg) {
  const fresh = msg.epoch !== cur.epoch;
  const out = {epoch: msg.epoch};
  for (const key of ['loss', 'deltaMin', 'minAngleDeg']) {
    const base = fresh ? [] : cur[key].slice(0, msg.from);
    while (base.length < msg.from) base.push(null);
    out[key] = base.concat(msg[key] || []);
  }
  return out;
}

// renderKey is what of a scenario decides its pictures besides the feature
// map: β, the maps, the retrieval settings and the grid. A scenario (never
// changed once received) is written once: each state message compares its
// own with the one before.
export function renderKey(sc) {
  if (!sc) return '';
  let key = renderKeys.get(sc);
  if (key === undefined) {
    key = JSON.stringify([sc.beta, sc.separations, sc.retrieval, sc.view?.grid, sc.view?.paperSoftmaxEnergy, sc.normalizeMemories, sc.memories]);
    if (typeof sc === 'object') renderKeys.set(sc, key);
  }
  return key;
}

const renderKeys = new WeakMap();

// addUnlabeled records the white (unlabeled) fraction of every panel of
// every view of a frame at its iteration, one series per map and view
// ("softmax|input"). A new epoch starts again. A coarse frame's fractions
// are of a coarser grid: they are recorded only while playing (the frames
// of played iterations are coarse on a slow machine, docs/protocol.md),
// never over a full-resolution one, and their iterations are kept in
// `coarse`, until a full-resolution frame of the iteration replaces them.
// A coarse frame while a memory is dragged is not recorded.
export function addUnlabeled(cur, frame, playing = false) {
  if (frame.coarse && !playing) return cur;
  const fresh = frame.epoch !== cur.epoch;
  const was = fresh ? new Set() : cur.coarse ?? new Set();
  if (frame.coarse && !fresh && !was.has(frame.t) && Object.values(cur.series).some((byT) => byT.has(frame.t))) return cur;
  const series = fresh ? {} : {...cur.series};
  for (const view of frame.views) {
    view.panels.forEach((p, i) => {
      const key = `${frame.separations[i] ?? `map ${i + 1}`}|${view.space}`;
      const byT = fresh || !series[key] ? new Map() : new Map(series[key]);
      byT.set(frame.t, p.unlabeledFraction);
      series[key] = byT;
    });
  }
  // A full frame of an iteration whose shares were coarse replaces them;
  // those of views it does not carry go, so that an iteration not marked
  // coarse holds full-resolution shares only.
  if (!frame.coarse && was.has(frame.t)) {
    const drawn = new Set(frame.views.flatMap((view) => view.panels.map((_, i) => `${frame.separations[i] ?? `map ${i + 1}`}|${view.space}`)));
    for (const [key, byT] of Object.entries(series)) {
      if (drawn.has(key) || !byT.has(frame.t)) continue;
      const m = new Map(byT);
      m.delete(frame.t);
      series[key] = m;
    }
  }
  let coarse = was;
  if (frame.coarse !== was.has(frame.t)) {
    coarse = new Set(was);
    if (frame.coarse) coarse.add(frame.t);
    else coarse.delete(frame.t);
  }
  return {epoch: frame.epoch, series, coarse};
}

/**
 * restoreUnlabeled adds white shares kept from before (the guided tour
 * keeps the user's, tour.js) to the series of the current epoch, for the
 * iterations it has not drawn itself: the same scenario draws the same
 * shares at the same iterations. Kept iterations that came from coarse
 * frames stay marked so. Before any frame of the epoch, nothing.
 * @param {{epoch: number, series: object, coarse?: Set<number>}} cur
 * @param {{series: object, coarse?: Set<number>}} kept
 */
export function restoreUnlabeled(cur, kept) {
  if (cur.epoch === -1 || !kept) return cur;
  const drawn = (t) => Object.values(cur.series).some((byT) => byT.has(t));
  const keptCoarse = new Set(kept.coarse ?? []);
  // A kept coarse iteration drawn again here: only the new shares count
  // (the kept ones would sit beside them unmarked).
  const stale = (t) => keptCoarse.has(t) && drawn(t);
  const series = {...cur.series};
  for (const [key, byT] of Object.entries(kept.series)) {
    const m = new Map([...byT].filter(([t]) => !stale(t)));
    for (const [t, v] of cur.series[key] || []) m.set(t, v);
    if (m.size > 0 || cur.series[key]) series[key] = m;
  }
  const coarse = new Set(cur.coarse ?? []);
  for (const t of keptCoarse) if (!drawn(t)) coarse.add(t);
  return {epoch: cur.epoch, series, coarse};
}
