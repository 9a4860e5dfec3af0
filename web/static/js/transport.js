// transport.js: the bar that moves through U-Hop+ iterations: play/pause,
// step, back, reset, reseed, the speed slider and the scrubber. Buttons
// send their protocol message; the bar shows the session's `state`.

import {byTestId, onFrame, setProp} from './dom.js';

const SPEED_MIN = 0.5; // it/s; slider: speed = 0.5 · 400^(pos/1000), 0.5 … 200
const SPEED_RATIO = 400;
const SLIDER_STEPS = 1000;

/** speedFromSlider maps a slider position to iterations per second. */
export function speedFromSlider(pos) {
  return Number((SPEED_MIN * SPEED_RATIO ** (pos / SLIDER_STEPS)).toPrecision(3));
}

/** sliderFromSpeed is the inverse of speedFromSlider, clamped. */
export function sliderFromSpeed(v) {
  const pos = (Math.log(v / SPEED_MIN) / Math.log(SPEED_RATIO)) * SLIDER_STEPS;
  return Math.round(Math.min(SLIDER_STEPS, Math.max(0, pos)));
}

function speedText(v) {
  return `${v < 10 ? Number(v.toPrecision(2)) : Math.round(v)} it/s`;
}

/**
 * bindTransport wires the transport bar.
 * @param {{store: object, actions: object}} deps actions: the page's commands (main.js)
 */
export function bindTransport({store, actions}) {
  const play = byTestId('play');
  const buttons = {
    play,
    step: byTestId('step'),
    back: byTestId('back'),
    reset: byTestId('reset'),
    reseed: byTestId('reseed'),
  };
  play.addEventListener('click', () => actions.togglePlay());
  buttons.step.addEventListener('click', () => actions.step());
  buttons.back.addEventListener('click', () => actions.back());
  buttons.reset.addEventListener('click', () => actions.reset());
  buttons.reseed.addEventListener('click', () => actions.reseed());

  // Speed: sent at most once per animation frame while dragging.
  const speed = byTestId('speed');
  const speedOut = byTestId('speed-value');
  const sendSpeed = onFrame(() => actions.speed(speedFromSlider(Number(speed.value))));
  speed.addEventListener('input', () => {
    const v = speedFromSlider(Number(speed.value));
    speedOut.textContent = speedText(v);
    speed.setAttribute('aria-valuetext', `${v} iterations per second`);
    sendSpeed();
  });

  // Scrubber: one `goto` per animation frame, the newest position.
  const scrub = byTestId('scrubber');
  const iteration = byTestId('iteration');
  let scrubbing = false;
  const sendGoto = onFrame(() => actions.goto(Number(scrub.value)));
  scrub.addEventListener('input', () => {
    const s = store.getState().server;
    iteration.textContent = `t = ${scrub.value} / ${s ? s.iterations : 0}`;
    sendGoto();
  });
  scrub.addEventListener('pointerdown', () => (scrubbing = true));
  addEventListener('pointerup', () => (scrubbing = false));
  addEventListener('pointercancel', () => (scrubbing = false));

  const mapSeed = byTestId('map-seed');

  // show writes only what changed: a state comes with every move of a
  // dragged memory, and rewriting the same text or toggling a button off
  // and on would make the browser lay the page out again each time.
  function show(s, prev) {
    if (prev && s.server === prev.server && s.status === prev.status) return;
    const live = s.status === 'live' && s.server !== null;
    const st = s.server;
    for (const [name, b] of Object.entries(buttons)) setProp(b, 'disabled', !live || (name === 'back' && st !== null && st.t === 0));
    setProp(speed, 'disabled', !live);
    setProp(scrub, 'disabled', !live);
    if (!st) return;
    setText(play, st.playing ? '❚❚ pause' : '▶ play');
    setAttr(play, 'aria-pressed', String(st.playing));
    if (play.classList.contains('playing') !== st.playing) play.classList.toggle('playing', st.playing);
    if (document.activeElement !== speed) {
      setProp(speed, 'value', String(sliderFromSpeed(st.speed)));
      setText(speedOut, speedText(st.speed));
      setAttr(speed, 'aria-valuetext', `${st.speed} iterations per second`);
    }
    setProp(scrub, 'max', String(Math.max(st.iterations, st.t)));
    if (!scrubbing) setProp(scrub, 'value', String(st.t));
    setAttr(scrub, 'aria-valuetext', `iteration ${st.t} of ${st.iterations}`);
    setText(iteration, `t = ${st.t} / ${st.iterations}`);
    const fm = st.scenario?.featureMap;
    setText(mapSeed, mapSeedText(fm));
  }
  store.subscribe(show);
  show(store.getState(), null);
}

/**
 * mapSeedText names the initial feature map of featureMap fm: given, drawn
 * from a seed (random, or as torch's nn.Linear draws it), or the identity.
 * @param {object|undefined} fm
 */
export function mapSeedText(fm) {
  if (!fm) return '';
  if (fm.W != null) return 'W₀ given';
  if (fm.init === 'random') return `map seed ${fm.seed}`;
  if (fm.init === 'torchLinear') return `nn.Linear map, seed ${fm.seed}`;
  return 'W₀ = I';
}

// setText and setAttr change an element only when the value differs (setProp: dom.js).
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

function setAttr(el, name, value) {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

