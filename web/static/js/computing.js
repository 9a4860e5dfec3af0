// computing.js: while the server computes a trajectory (a training change
// recomputes it from W₀, a far iteration extends it), the state message
// carries `computing` = {t, done, total, rebuild}. The page shows the
// progress in the transport bar and dims the panels, which still show the
// last frame, as out of date. A computation shorter than SHOW_AFTER_MS
// (a step of play, a small edit) shows nothing, so that nothing flickers;
// the box keeps its place in the bar, so that nothing moves.

import {byTestId} from './dom.js';

/** SHOW_AFTER_MS: how long a computation runs before the page shows it. */
export const SHOW_AFTER_MS = 200;

/**
 * computingView describes what to show for a state message's `computing`.
 * @param {object|null} st the latest state message, or null
 * @returns {{active: boolean, text: string, fraction: number}}
 */
export function computingView(st) {
  const c = st?.computing;
  if (!c) return {active: false, text: '', fraction: 0};
  const fraction = c.total > 0 ? Math.min(1, Math.max(0, c.done / c.total)) : 0;
  const what = c.rebuild ? `recomputing the trajectory to t = ${c.t}` : `computing up to t = ${c.t}`;
  return {active: true, text: `${what}: ${Math.floor(100 * fraction)} % · pictures out of date`, fraction};
}

/**
 * bindComputing shows the progress of the trajectory being computed and
 * marks the panels out of date meanwhile, once it has lasted SHOW_AFTER_MS.
 * @param {{store: object}} deps
 */
export function bindComputing({store}) {
  const box = byTestId('computing');
  const bar = byTestId('computing-progress');
  const label = byTestId('computing-text');
  const panels = byTestId('panels');
  let timer = null;
  let shown = false;
  function paint(v) {
    shown = v.active;
    box.classList.toggle('active', v.active);
    box.setAttribute('aria-hidden', String(!v.active));
    bar.value = v.fraction;
    label.textContent = v.text;
    panels.classList.toggle('out-of-date', v.active);
    panels.setAttribute('aria-busy', String(v.active));
  }
  function show(s) {
    const v = computingView(s.server);
    if (!v.active) {
      clearTimeout(timer);
      timer = null;
      if (shown) paint(v);
      return;
    }
    if (shown) {
      paint(v);
    } else if (timer === null) {
      timer = setTimeout(() => {
        timer = null;
        const now = computingView(store.getState().server);
        if (now.active) paint(now);
      }, SHOW_AFTER_MS);
    }
  }
  store.subscribe(show);
  show(store.getState());
}
