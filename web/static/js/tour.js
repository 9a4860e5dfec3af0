// tour.js: the guided tour. Seven short steps, each of which sets up what
// it talks about (a preset at an iteration, the views, what the panels
// show) through the session's own messages. It can be skipped and
// restarted, and linked to at a step (#tour=3); a link to a step it does
// not have (#tour=9, #tour=abc) is answered with a polite notice saying
// which steps there are and offering to start it, and changes nothing
// else. Entering it keeps the user's own scenario, iteration, views,
// speed, what the panels show and the white-share history, in memory and
// in sessionStorage (so a reload during the tour loses nothing); leaving
// it (the button, Esc) loads them back and forgets the kept copy.
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
 * tourLink reads a location hash: null when it is no tour link; {step}
 * (0-based) for #tour and for #tour=N with N a whole number from 1 to n;
 * {invalid: what was asked for} for any other #tour=… (0, n + 1, -1,
 * "abc", "3x", "1.5", nothing), which the page answers with
 * invalidLinkText and nothing else.
 * @param {string} hash
 * @param {number} [n] the number of steps
 * @returns {{step: number}|{invalid: string}|null}
 */
export function tourLink(hash, n = TOUR_STEPS.length) {
  const m = /^#tour(?:=([^]*))?$/.exec(hash || '');
  if (!m) return null;
  if (m[1] === undefined) return {step: 0};
  let raw = m[1];
  try {
    raw = decodeURIComponent(raw);
  } catch {
    // A broken escape: shown as it was written.
  }
  if (/^\d{1,3}$/.test(raw)) {
    const k = Number(raw);
    if (k >= 1 && k <= n) return {step: k - 1};
  }
  return {invalid: raw};
}

/**
 * invalidLinkText is what the page says to an invalid tour link: the
 * steps the tour has, that nothing changed, and an offer to start it.
 * @param {string} raw the step asked for
 * @param {number} [n] the number of steps
 */
export function invalidLinkText(raw, n = TOUR_STEPS.length) {
  const asked = raw === '' ? 'a step of the guided tour but names none; the tour has' : `step “${raw.length > 24 ? `${raw.slice(0, 24)}…` : raw}” of the guided tour, which has`;
  return `This link asks for ${asked} steps 1–${n}. Your scenario is unchanged. Start the tour at step 1?`;
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
 * the white shares drawn so far (the chart's series; the metrics come
 * back with the trajectory) and where the scenario came from (the
 * store's origin, for the preset caption).
 * @param {object} s the store's state
 */
export function savedView(s) {
  return {scenario: s.server.scenario, t: s.server.t, views: [...s.server.views], speed: s.server.speed, show: s.ui.show, white: s.unlabeled, origin: s.origin ?? null};
}

/** SAVED_KEY is the sessionStorage key of the view the tour gives back. */
export const SAVED_KEY = 'hoplab-tour-saved';

/**
 * encodeSaved writes a savedView as text for sessionStorage, so that a
 * reload during the tour (or the tour link opened again in the tab) still
 * gives the user's own view back. white: false leaves the white shares
 * out (they are the largest part, and only the chart's history).
 * @param {object} saved
 * @param {{white?: boolean}} [opts]
 */
export function encodeSaved(saved, {white = true} = {}) {
  const w = white && saved.white
    ? {epoch: saved.white.epoch, series: Object.fromEntries(Object.entries(saved.white.series).map(([k, byT]) => [k, [...byT]])), coarse: [...(saved.white.coarse ?? [])]}
    : null;
  return JSON.stringify({...saved, white: w});
}

/**
 * decodeSaved reads what encodeSaved wrote, or null for anything else.
 * @param {string|null} text
 */
export function decodeSaved(text) {
  let v;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object' || !v.scenario || typeof v.scenario !== 'object' || !Array.isArray(v.scenario.memories)) return null;
  if (!Number.isInteger(v.t) || !Array.isArray(v.views) || v.views.length === 0 || typeof v.speed !== 'number' || typeof v.show !== 'string') return null;
  let white = null;
  if (v.white && typeof v.white === 'object' && v.white.series && typeof v.white.series === 'object') {
    white = {epoch: v.white.epoch, series: Object.fromEntries(Object.entries(v.white.series).map(([k, pairs]) => [k, new Map(pairs)])), coarse: new Set(v.white.coarse ?? [])};
  }
  const origin = v.origin && typeof v.origin === 'object' ? v.origin : null;
  return {scenario: v.scenario, t: v.t, views: v.views, speed: v.speed, show: v.show, white, origin};
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
 * bindTour wires the tour's box, its button and the notice that answers an
 * invalid tour link.
 * @param {{store: object, send: (msg: object) => number, storage?: Storage|null}} deps
 *   storage: where the user's own view is kept while the tour runs
 *   (sessionStorage: this tab only, and it survives a reload)
 */
export function bindTour({store, send, storage = sessionStore()}) {
  const {dispatch, getState} = store;
  const box = byTestId('tour');
  const title = byTestId('tour-title');
  const text = byTestId('tour-text');
  const count = byTestId('tour-count');
  const back = byTestId('tour-back');
  const next = byTestId('tour-next');
  const opener = byTestId('tour-open');
  const notice = byTestId('tour-notice');
  const noticeText = byTestId('tour-notice-text');
  const noticeButtons = byTestId('tour-notice-buttons');
  let saved = null; // the user's own view, while the tour runs
  let restoring = null; // the view being given back, until its first frame
  let returnFocus = null;
  const link = tourLink(location.hash);
  let pending = link && 'step' in link ? link.step : null; // a tour link, once the session is up
  // A view kept by a tour this tab ran before a reload is the user's only
  // while the page opens at a step of the tour; otherwise it is stale.
  if (pending === null) forget();

  function keep(view) {
    if (!storage) return;
    try {
      storage.setItem(SAVED_KEY, encodeSaved(view));
    } catch {
      try {
        storage.setItem(SAVED_KEY, encodeSaved(view, {white: false})); // too large with the white shares
      } catch {
        // Not kept: the view comes back as long as the page is not reloaded.
      }
    }
  }

  function kept() {
    try {
      return storage ? decodeSaved(storage.getItem(SAVED_KEY)) : null;
    } catch {
      return null;
    }
  }

  function forget() {
    try {
      if (storage) storage.removeItem(SAVED_KEY);
    } catch {
      // Storage refused: nothing was kept either.
    }
  }

  // say answers an invalid tour link, politely (a status), changing
  // nothing else; quiet() takes the answer away.
  function say(raw) {
    noticeText.textContent = invalidLinkText(raw);
    noticeButtons.hidden = false;
    notice.dataset.open = 'true';
  }
  function quiet() {
    noticeText.textContent = '';
    noticeButtons.hidden = true;
    notice.dataset.open = 'false';
  }

  function show(k) {
    const step = TOUR_STEPS[k];
    for (const msg of stepMessages(step)) send(msg);
    dispatch({type: 'preset', name: step.preset});
    dispatch({type: 'show', value: step.show});
    dispatch({type: 'tour', step: k});
  }

  function start(k) {
    quiet();
    const s = getState();
    if (!s.server) {
      pending = k;
      return;
    }
    if (s.tour === null) {
      // After a reload during the tour the user's own view is the one
      // kept before it, not the page's fresh start.
      saved = kept() ?? savedView(s);
      keep(saved);
      returnFocus = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : opener;
    }
    show(k);
    title.focus();
  }

  function leave() {
    if (getState().tour === null) return;
    if (saved) {
      restoring = saved;
      const [load, ...rest] = restoreMessages(saved);
      const seq = send(load);
      for (const msg of rest) send(msg);
      dispatch({type: 'preset', name: null});
      dispatch({type: 'show', value: saved.show});
      if (saved.origin && seq) dispatch({type: 'origin', origin: saved.origin, seq});
    }
    saved = null;
    forget();
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
  byTestId('tour-notice-start').addEventListener('click', () => start(0));
  byTestId('tour-notice-dismiss').addEventListener('click', () => {
    quiet();
    opener.focus();
  });

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
    const l = tourLink(location.hash);
    if (!l) return;
    if ('invalid' in l) say(l.invalid);
    else if (l.step !== getState().tour) start(l.step);
  });
  if (link && 'invalid' in link) say(link.invalid);
  else quiet();

  function draw(s, prev) {
    // The first full frame of the view given back: its white shares
    // from before the tour join the chart again.
    if (restoring && s.unlabeled !== prev.unlabeled && s.unlabeled.epoch !== -1 && s.frame && s.frame.t === restoring.t && s.server && renderKey(s.server.scenario) === renderKey(restoring.scenario)) {
      const white = restoring.white;
      restoring = null;
      if (white) dispatch({type: 'unlabeled-restore', kept: white});
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

function sessionStore() {
  try {
    return sessionStorage;
  } catch {
    return null; // storage refused (privacy settings): the view is kept in memory only
  }
}
