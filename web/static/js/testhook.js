// testhook.js: window.__hoplab, a small read-only view of the page for
// tests and curious people at the console. Every property is a getter over
// the store; objects and arrays are frozen copies, so nothing read here
// can change the page. Frame data (memories, metrics) are those of the
// newest painted frame, so they match the pixels on the canvases.

/**
 * installTestHook defines window.__hoplab.
 * @param {{store: object, timeline?: object,
 *   toClient: (x: number, y: number) => ({x: number, y: number}|null),
 *   toClientIn: (space: string, panelIndex: number, x: number, y: number) => ({x: number, y: number}|null)}} deps
 *   timeline: the page's rings of moves and paints (timeline.js)
 */
export function installTestHook({store, timeline = null, toClient, toClientIn}) {
  const st = () => store.getState();
  const hook = {
    /** frames: frames painted so far. */
    get frames() {
      return st().drawn.frames;
    },
    /** iteration: the iteration on show, t. */
    get iteration() {
      return st().server?.t ?? null;
    },
    /** iterations: the iterations computed so far. */
    get iterations() {
      return st().server?.iterations ?? null;
    },
    get epoch() {
      return st().server?.epoch ?? null;
    },
    /** seq: the last client seq that a painted frame reflects. */
    get seq() {
      return st().drawn.seq;
    },
    get status() {
      return st().status;
    },
    get playing() {
      return st().server?.playing ?? false;
    },
    /** speed: the playing speed the session has taken, iterations per second. */
    get speed() {
      return st().server?.speed ?? null;
    },
    /** preset: the preset on show (the state's preset), or null. */
    get preset() {
      return st().server?.preset ?? null;
    },
    /** memories: [[x, y], …] in input space, from the newest painted frame. */
    get memories() {
      const p = st().drawn.frame?.inputPoints;
      if (!p) return Object.freeze([]);
      const out = [];
      for (let i = 0; i + 1 < p.length; i += 2) out.push(Object.freeze([p[i], p[i + 1]]));
      return Object.freeze(out);
    },
    /** metrics of the newest painted frame; NaN (M < 2) reads as null. */
    get metrics() {
      const f = st().drawn.frame;
      if (!f) return null;
      const num = (v) => (Number.isFinite(v) ? v : null);
      const view = f.views.find((v) => v.space === 'input') || f.views[0];
      const unl = {};
      if (view) view.panels.forEach((p, i) => (unl[f.separations[i] ?? String(i)] = p.unlabeledFraction));
      return Object.freeze({
        t: f.t,
        epoch: f.epoch,
        loss: num(f.loss),
        deltaMin: num(f.deltaMin),
        minAngleDeg: num(f.minAngleDeg),
        unlabeledFraction: Object.freeze(unl),
        whiteFractions: Object.freeze(whiteFractions(f)),
      });
    },
    /**
     * paintedFrame: the grids of the newest painted frame, copied:
     * {nx, ny, views: [{space, box, panels: [{labels}]}]}.
     */
    get paintedFrame() {
      const f = st().drawn.frame;
      if (!f) return null;
      return deepFreeze({
        nx: f.nx,
        ny: f.ny,
        views: f.views.map((v) => ({space: v.space, box: {...v.box}, panels: v.panels.map((p) => ({labels: Array.from(p.labels)}))})),
      });
    },
    /** grid: {nx, ny} of the newest painted frame. */
    get grid() {
      const f = st().drawn.frame;
      return f ? Object.freeze({nx: f.nx, ny: f.ny}) : null;
    },
    /**
     * timeline: copies of the newest entries (at most 4096 each, oldest
     * first) of the moves sent, {seq, ts, sentAt}, and of the frames
     * painted, {seq, t, nx, ny, coarse, paintStart, paintEnd}; times are
     * performance.now() ms (timeline.js).
     */
    get timeline() {
      if (!timeline) return null;
      return Object.freeze({moves: Object.freeze(timeline.moves.toArray()), paints: Object.freeze(timeline.paints.toArray())});
    },
    /** chart: the white-fraction chart's series as drawn, by "map|view". */
    get whiteSeries() {
      const out = {};
      for (const [k, byT] of Object.entries(st().unlabeled.series)) out[k] = Object.freeze(Object.fromEntries(byT));
      return Object.freeze(out);
    },
    /** whiteCoarse: the iterations whose white shares came from coarse frames (store.unlabeled.coarse), ascending. */
    get whiteCoarse() {
      return Object.freeze([...(st().unlabeled.coarse ?? [])].sort((a, b) => a - b));
    },
    /** scenario: a copy of the session's scenario. */
    get scenario() {
      const s = st().server?.scenario;
      return s ? deepFreeze(structuredClone(s)) : null;
    },
    get selected() {
      return st().ui.selected;
    },
    get lastError() {
      const e = st().lastError;
      return e ? Object.freeze({...e}) : null;
    },
    /** toClientIn maps (x, y) of a view's space to client pixels on panel panelIndex of that view. */
    toClientIn(space, panelIndex, x, y) {
      const p = toClientIn(space, panelIndex, x, y);
      return p ? Object.freeze({x: p.x, y: p.y}) : null;
    },
    /** toClient maps input-space (x, y) to client pixels on the main canvas. */
    toClient(x, y) {
      const p = toClient(x, y);
      return p ? Object.freeze({x: p.x, y: p.y}) : null;
    },
  };
  Object.defineProperty(window, '__hoplab', {value: Object.freeze(hook), enumerable: false, configurable: false, writable: false});
}

// whiteFractions lists the white fraction of every panel of frame f by
// "map|view", as the white-fraction chart keys its series.
function whiteFractions(f) {
  const out = {};
  for (const v of f.views) v.panels.forEach((p, i) => (out[`${f.separations[i] ?? String(i)}|${v.space}`] = p.unlabeledFraction));
  return out;
}

function deepFreeze(v) {
  if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) deepFreeze(v[k]);
    Object.freeze(v);
  }
  return v;
}
