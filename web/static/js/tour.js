// tour.js: the guided tour. Seven short steps, each of which sets up what
// it talks about (a preset at an iteration, the views, what the panels
// show) through the session's own messages. It can be skipped and
// restarted, and linked to at a step (#tour=3). Entering it keeps the
// user's own scenario, iteration, views, speed and what the panels show;
// leaving it (the button, Esc) loads them back, so nothing is lost.
//
// The box is a non-modal dialog: the focus goes to its title when it
// opens and back where it was when it closes; ← and → move between steps
// while the focus is in it, Esc leaves from anywhere on the page.

import {PROTOCOL} from './connection.js';
import {byTestId, h, isTyping} from './dom.js';
import {renderKey} from './store.js';

/**
 * TOUR_STEPS: title, text (paragraphs) and the scenario each step shows:
 * a preset of the server's hello at iteration t, the views, and what the
 * panels show.
 */
export const TOUR_STEPS = Object.freeze([
  {
    title: 'The energy landscape',
    text: [
      'Each panel paints the energy E of a query placed there: dark is low, bright is high. The markers are the stored memories; they sit in valleys.',
      'Retrieval runs downhill: the query is updated a few times, and each update moves it towards the memories that score best.',
    ],
    preset: 'basins', t: 0, views: ['input'], show: 'energy',
  },
  {
    title: 'A basin',
    text: [
      "A memory's basin is every starting point whose query ends at that memory. Here each cell takes the colour of the memory its query ends at.",
      'Basins are where the energy runs down to one memory: compare with the previous step.',
    ],
    preset: 'basins', t: 0, views: ['input'], show: 'basins',
  },
  {
    title: 'What white means',
    text: [
      'A white cell is a query that, after the retrieval steps, is near no single memory: it ended at a metastable mixture of several memories, or it has not converged yet.',
      'In the feature view (lower row) more than half of the softmax panel is white. More retrieval steps (Parameters) shrink the part that was only slow; what stays white is a mixture.',
    ],
    preset: 'basins', t: 0, views: ['input', 'feature'], show: 'both',
  },
  {
    title: 'One U-Hop+ step',
    text: [
      'This is t = 1: one U-Hop+ step, a gradient step on the separation loss L, has moved the feature map Φ. The feature memories u_μ (lower row) spread apart a little, and the input-space landscape changed with them.',
      'Press ◀ back and step ▶ in the bar to compare with t = 0.',
    ],
    preset: 'basins', t: 1, views: ['input', 'feature'], show: 'both',
  },
  {
    title: 'The minimum angle and the optimal code',
    text: [
      'Eight memories started 10° apart. U-Hop+ pushes the feature memories apart on the circle: the curve “Minimum angle” (right) is the smallest angle between two of them, here after 150 steps.',
      'The dashed line is the best possible, the optimal code: the regular octagon, 45°. Play to watch the angle climb towards it.',
    ],
    preset: 'clustered', t: 150, views: ['feature'], show: 'basins',
  },
  {
    title: 'softmax, 1.5-entmax and sparsemax',
    text: [
      'The three columns retrieve with three separation maps. softmax gives every memory some weight, so a query between memories stays a mixture; 1.5-entmax and sparsemax give exact zeros, so it can end at one memory exactly.',
      'Here softmax leaves the most white and sparsemax the least: compare the columns, and the “White share” curves.',
    ],
    preset: 'basins', t: 0, views: ['feature'], show: 'basins',
  },
  {
    title: 'The input and the feature views',
    text: [
      'Top row: input space, where you can drag the memories ξ_μ; the landscape is the kernelized energy through the feature map Φ. Bottom row: feature space, the normalised features u_μ on the unit circle, with the optimal code dashed.',
      'That is the tour. Leave it to get your own scenario back; the tour button starts it again.',
    ],
    preset: 'basins', t: 5, views: ['input', 'feature'], show: 'both',
  },
]);

/**
 * tourStepFromHash reads #tour=N (1-based) into a step index, clamped to
 * the tour; null when the hash is no tour link.
 * @param {string} hash
 * @param {number} [n] the number of steps
 */
export function tourStepFromHash(hash, n = TOUR_STEPS.length) {
  const m = /^#tour(?:=(\d{1,3}))?$/.exec(hash || '');
  if (!m) return null;
  const k = m[1] === undefined ? 1 : Number(m[1]);
  return Math.min(n, Math.max(1, k)) - 1;
}

/** stepMessages are the messages that set step up in the session, in order. */
export function stepMessages(step) {
  const out = [{type: 'preset', name: step.preset}];
  if (step.t > 0) out.push({type: 'goto', t: step.t});
  out.push({type: 'views', views: [...step.views]});
  return out;
}

/**
 * savedView is what the tour keeps of the page to give back: the scenario
 * at the iteration on show, the views, the speed, what the panels show,
 * and the white shares drawn so far (the chart's series; the metrics come
 * back with the trajectory).
 * @param {object} s the store's state
 */
export function savedView(s) {
  return {scenario: s.server.scenario, t: s.server.t, views: [...s.server.views], speed: s.server.speed, show: s.ui.show, white: s.unlabeled};
}

/** restoreMessages load a savedView back. */
export function restoreMessages(saved) {
  return [
    {type: 'load', protocol: PROTOCOL, scenario: saved.scenario},
    {type: 'views', views: saved.views},
    {type: 'speed', itersPerSecond: saved.speed},
  ];
}

/**
 * bindTour wires the tour's box and its button.
 * @param {{store: object, send: (msg: object) => number}} deps
 */
export function bindTour({store, send}) {
  const {dispatch, getState} = store;
  const box = byTestId('tour');
  const title = byTestId('tour-title');
  const text = byTestId('tour-text');
  const count = byTestId('tour-count');
  const back = byTestId('tour-back');
  const next = byTestId('tour-next');
  const opener = byTestId('tour-open');
  let saved = null; // the user's own view, while the tour runs
  let restoring = null; // the view being given back, until its first frame
  let returnFocus = null;
  let pending = tourStepFromHash(location.hash); // a tour link, once the session is up

  function show(k) {
    const step = TOUR_STEPS[k];
    for (const msg of stepMessages(step)) send(msg);
    dispatch({type: 'preset', name: step.preset});
    dispatch({type: 'show', value: step.show});
    dispatch({type: 'tour', step: k});
  }

  function start(k) {
    const s = getState();
    if (!s.server) {
      pending = k;
      return;
    }
    if (s.tour === null) {
      saved = savedView(s);
      returnFocus = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : opener;
    }
    show(k);
    title.focus();
  }

  function leave() {
    if (getState().tour === null) return;
    if (saved) {
      restoring = saved;
      for (const msg of restoreMessages(saved)) send(msg);
      dispatch({type: 'preset', name: null});
      dispatch({type: 'show', value: saved.show});
    }
    saved = null;
    dispatch({type: 'tour', step: null});
    (returnFocus && returnFocus.isConnected ? returnFocus : opener).focus();
    returnFocus = null;
  }

  function go(delta) {
    const k = getState().tour;
    if (k === null) return;
    const to = k + delta;
    if (to < 0) return;
    if (to >= TOUR_STEPS.length) leave();
    else show(to);
  }

  opener.addEventListener('click', () => start(0));
  back.addEventListener('click', () => go(-1));
  next.addEventListener('click', () => go(1));
  byTestId('tour-leave').addEventListener('click', leave);

  box.addEventListener('keydown', (ev) => {
    if (ev.ctrlKey || ev.altKey || ev.metaKey || isTyping(ev.target)) return;
    let done = true;
    if (ev.key === 'ArrowRight') go(1);
    else if (ev.key === 'ArrowLeft') go(-1);
    else if (ev.key === 'Escape') leave();
    else done = false;
    if (done) {
      ev.preventDefault();
      ev.stopPropagation(); // the page's own arrows step U-Hop+
    }
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape' || ev.defaultPrevented || getState().tour === null || isTyping(ev.target)) return;
    if (document.querySelector('dialog[open]')) return;
    ev.preventDefault();
    leave();
  });

  // A tour link typed into the address bar of this tab.
  addEventListener('hashchange', () => {
    const k = tourStepFromHash(location.hash);
    if (k !== null && k !== getState().tour) start(k);
  });

  function draw(s, prev) {
    // The first full frame of the view given back: its white shares
    // from before the tour join the chart again.
    if (restoring && s.unlabeled !== prev.unlabeled && s.unlabeled.epoch !== -1 && s.frame && s.frame.t === restoring.t && s.server && renderKey(s.server.scenario) === renderKey(restoring.scenario)) {
      const white = restoring.white;
      restoring = null;
      dispatch({type: 'unlabeled-restore', kept: white});
    }
    if (pending !== null && s.server && s.status === 'live') {
      const k = pending;
      pending = null;
      start(k);
      return;
    }
    if (prev && s.tour === prev.tour) return;
    const k = s.tour;
    box.hidden = k === null;
    box.dataset.step = k === null ? '' : String(k + 1);
    if (k === null) return;
    const step = TOUR_STEPS[k];
    count.textContent = `Guided tour · step ${k + 1} of ${TOUR_STEPS.length}`;
    title.textContent = step.title;
    text.replaceChildren(...step.text.map((p) => h('p', {}, p)));
    back.disabled = k === 0;
    next.textContent = k === TOUR_STEPS.length - 1 ? 'finish' : 'next ▶';
  }
  store.subscribe(draw);
  draw(getState(), null);
}
