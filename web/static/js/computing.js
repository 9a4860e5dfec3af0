// computing.js: while the server computes a trajectory (a training change
// recomputes it from W₀, a far iteration extends it), the state message
// carries `computing` = {t, done, total, rebuild}. The page shows the
// progress next to the transport bar and marks the panels, which still
// show the last frame, as out of date.

import {byTestId} from './dom.js';

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
  return {active: true, text: `${what}: ${Math.floor(100 * fraction)} %`, fraction};
}

/**
 * bindComputing shows the progress of the trajectory being computed and
 * marks the panels out of date meanwhile.
 * @param {{store: object}} deps
 */
export function bindComputing({store}) {
  const box = byTestId('computing');
  const bar = byTestId('computing-progress');
  const label = byTestId('computing-text');
  const panels = byTestId('panels');
  let last = null;
  function show(s) {
    const v = computingView(s.server);
    const key = `${v.active}|${v.text}`;
    if (key === last) return;
    last = key;
    box.hidden = !v.active;
    bar.value = v.fraction;
    label.textContent = v.text;
    panels.classList.toggle('out-of-date', v.active);
    panels.setAttribute('aria-busy', String(v.active));
    if (v.active) panels.dataset.outOfDate = 'out of date: computing';
    else delete panels.dataset.outOfDate;
  }
  store.subscribe(show);
  show(store.getState());
}
