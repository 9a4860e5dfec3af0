// kbdmemory.js: the panels without a mouse. Every panel's canvas takes
// the focus (Tab). While one has it:
//
//   n, Shift+n     select the next / previous memory (after the last: none)
//   arrow keys     move the selected memory by 1 % of the box (Shift: 10 %);
//                  with none selected (or in feature space) move the crosshair
//   a or Enter     add a memory at the crosshair (input space)
//   t              trace a query from the crosshair (a probe)
//   Delete         remove the selected memory (keyboard.js)
//   Esc            leave the panel
//
// The crosshair is the hover's (the panels draw it, the readout reads
// under it). Every command goes out as the panels' own pointer events do,
// through editing.js (onPanelEvent): a move through the move pipeline, as
// a drag's, so the session gets the same messages.

import {byTestId} from './dom.js';

/** A press moves by this share of the box; with Shift by BIG_STEP. */
export const STEP = 0.01;
export const BIG_STEP = 0.1;

const ARROWS = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1]};

/**
 * nudge moves (x, y) by one press of an arrow key inside box: STEP of the
 * box's width or height, BIG_STEP with Shift; the result stays in the box.
 * It returns null for a key that is no arrow.
 * @param {{x: number, y: number}} p
 * @param {string} key KeyboardEvent.key
 * @param {boolean} shift
 * @param {{xmin: number, xmax: number, ymin: number, ymax: number}} box
 */
export function nudge(p, key, shift, box) {
  const d = ARROWS[key];
  if (!d) return null;
  const f = shift ? BIG_STEP : STEP;
  return {
    x: clamp(p.x + d[0] * f * (box.xmax - box.xmin), box.xmin, box.xmax),
    y: clamp(p.y + d[1] * f * (box.ymax - box.ymin), box.ymin, box.ymax),
  };
}

/**
 * cycleMemory is the selection after n (dir +1) or Shift+n (dir −1):
 * none → 0 → 1 → … → m−1 → none, and backwards.
 * @param {number|null} selected
 * @param {number} m memories
 * @param {1|-1} dir
 * @returns {number|null}
 */
export function cycleMemory(selected, m, dir) {
  if (m <= 0) return null;
  const cur = Number.isInteger(selected) && selected >= 0 && selected < m ? selected : -1;
  const next = cur + dir;
  if (cur === -1 && dir < 0) return m - 1;
  return next >= 0 && next < m ? next : null;
}

/**
 * panelOf reads the space and panel index of a panel's canvas
 * (data-testid "canvas-{space}-{i}"), or null for any other element.
 * @param {Element|null} el
 */
export function panelOf(el) {
  const m = /^canvas-(input|feature)-(\d+)$/.exec(el?.dataset?.testid || '');
  return m ? {space: m[1], panelIndex: Number(m[2])} : null;
}

/**
 * bindPanelKeys makes the panels keyboard-operable.
 * @param {{store: object, onPanelEvent: (ev: object) => void}} deps
 *   onPanelEvent: what the panels' pointer events go to (editing.js)
 * @returns {{pointerEvent: (ev: object) => void}} to be told of every
 *   pointer event of the panels: a drag makes the keyboard's own idea of
 *   where the memory is stale
 */
export function bindPanelKeys({store, onPanelEvent}) {
  const grid = byTestId('panels');
  let cross = null; // {space, x, y}: the keyboard's crosshair
  let moved = null; // {i, x, y}: where keys put memory i, ahead of the frames

  // Every panel canvas takes the focus and says how.
  const help = byTestId('panel-keys');
  const adopt = () => {
    for (const c of grid.querySelectorAll('canvas[data-testid^="canvas-"]')) {
      if (c.tabIndex === 0) continue;
      c.tabIndex = 0;
      c.setAttribute('role', 'application');
      c.setAttribute('aria-roledescription', 'landscape');
      c.setAttribute('aria-describedby', help.id);
    }
  };
  // panels.js builds each row whole, then appends it: the grid's own
  // children are enough to watch (the legends' texts change every frame).
  new MutationObserver(adopt).observe(grid, {childList: true});
  adopt();

  const frame = () => store.getState().drawn.frame || store.getState().frame;
  const boxOf = (space) => frame()?.views.find((v) => v.space === space)?.box ?? null;
  function pointOf(space, i) {
    const f = frame();
    const pts = f && (space === 'input' ? f.inputPoints : f.featurePoints);
    if (!pts || !(i >= 0 && i < f.m)) return null;
    if (space === 'input' && moved && moved.i === i) return {x: moved.x, y: moved.y};
    return {x: pts[2 * i], y: pts[2 * i + 1]};
  }

  function showCross(space, panelIndex) {
    if (!cross) return;
    onPanelEvent({type: 'hover', space, x: cross.x, y: cross.y, panelIndex, keyboard: true});
  }

  // The keyboard's position of a memory is stale once the selection
  // changes or the session refused something.
  store.subscribe((s, prev) => {
    if (moved && (s.ui.selected !== moved.i || (s.lastError !== prev.lastError && s.lastError))) moved = null;
  });

  grid.addEventListener('focusin', (ev) => {
    const p = panelOf(ev.target);
    if (!p) return;
    const box = boxOf(p.space);
    if (!box) return;
    const sel = store.getState().ui.selected;
    if (!cross || cross.space !== p.space) {
      cross = {space: p.space, ...(pointOf(p.space, sel) || {x: (box.xmin + box.xmax) / 2, y: (box.ymin + box.ymax) / 2})};
    }
    showCross(p.space, p.panelIndex);
  });

  grid.addEventListener('focusout', (ev) => {
    if (!panelOf(ev.target) || panelOf(ev.relatedTarget)) return;
    const hv = store.getState().ui.hover;
    if (hv && !hv.dragging) onPanelEvent({type: 'hover', space: null});
  });

  grid.addEventListener('keydown', (ev) => {
    const p = panelOf(ev.target);
    if (!p || ev.ctrlKey || ev.altKey || ev.metaKey) return;
    const s = store.getState();
    const box = boxOf(p.space);
    const m = frame()?.m ?? 0;
    if (!box || !s.server) return;
    const sel = s.ui.selected;
    let done = true;
    if (ARROWS[ev.key]) {
      const memory = p.space === 'input' && Number.isInteger(sel) ? pointOf('input', sel) : null;
      if (memory) {
        const to = nudge(memory, ev.key, ev.shiftKey, box);
        moved = {i: sel, ...to};
        onPanelEvent({type: 'move', i: sel, x: to.x, y: to.y, ts: ev.timeStamp, panelIndex: p.panelIndex, panelSpace: p.space});
        cross = {space: p.space, ...to};
      } else {
        cross = {space: p.space, ...nudge(cross || {x: 0, y: 0}, ev.key, ev.shiftKey, box)};
      }
      showCross(p.space, p.panelIndex);
    } else if (ev.key === 'n' || ev.key === 'N') {
      const i = cycleMemory(sel, m, ev.shiftKey ? -1 : 1);
      onPanelEvent({type: 'select', i, panelIndex: p.panelIndex, panelSpace: p.space});
      const at = i === null ? null : pointOf(p.space, i);
      if (at) {
        cross = {space: p.space, ...at};
        showCross(p.space, p.panelIndex);
      }
    } else if ((ev.key === 'a' || ev.key === 'A' || ev.key === 'Enter') && !ev.repeat && p.space === 'input' && cross) {
      onPanelEvent({type: 'add', x: cross.x, y: cross.y, panelIndex: p.panelIndex, panelSpace: p.space});
    } else if ((ev.key === 't' || ev.key === 'T') && !ev.repeat && cross) {
      onPanelEvent({type: 'probe', space: p.space, x: cross.x, y: cross.y, panelIndex: p.panelIndex, panelSpace: p.space});
    } else if (ev.key === 'Escape') {
      ev.target.blur();
    } else {
      done = false;
    }
    // The page's own shortcuts (keyboard.js) must not see these keys.
    if (done) ev.preventDefault();
  });

  return {
    pointerEvent(ev) {
      if (ev.type === 'move') moved = null;
    },
  };
}

function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, v));
}
