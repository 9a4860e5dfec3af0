// liveregion.js: a polite live region for screen readers, summarising
// what the panels and curves show: the iteration, the minimum angle and
// the white share of every map. It speaks at most once per
// LIVE_INTERVAL_MS (playing would otherwise read every iteration), never
// while a panel is pressed (a memory dragged), and not the same words twice; what changed
// meanwhile is said once the interval or the drag is over.

import {byTestId} from './dom.js';
import {separationShort} from './panels.js';

/** The live region changes at most once per this many ms. */
export const LIVE_INTERVAL_MS = 2000;

const VIEW_WORDS = {input: 'input space', feature: 'feature space'};

/**
 * summary is the sentence for a state: "Iteration 3 of 10. Minimum angle
 * 61.2°. White: input space softmax 4 %, 1.5-entmax 0 %; feature space
 * …". The numbers are those of the newest full frame (a coarse frame's
 * white shares are of another grid); "" before the first.
 * @param {object} s the store's state
 */
export function summary(s) {
  const f = s.drawn?.frame;
  const st = s.server;
  if (!f || !st) return '';
  const parts = [`Iteration ${f.t} of ${st.iterations}.`];
  if (Number.isFinite(f.minAngleDeg)) parts.push(`Minimum angle ${f.minAngleDeg.toFixed(1)}°.`);
  if (!f.coarse) {
    const views = f.views.map((v) => {
      const maps = v.panels.map((p, i) => `${separationShort(f.separations[i])} ${pct(p.unlabeledFraction)}`);
      return `${VIEW_WORDS[v.space] ?? v.space} ${maps.join(', ')}`;
    });
    if (views.length) parts.push(`White: ${views.join('; ')}.`);
  }
  return parts.join(' ');
}

function pct(v) {
  if (!Number.isFinite(v)) return '–';
  const p = 100 * v;
  return `${p < 10 && p > 0 ? p.toFixed(1) : Math.round(p)} %`;
}

/**
 * Speaker writes texts to a live region: at most one per interval, none
 * while held (a drag), never the same twice in a row; the newest waiting
 * text is written when the interval or the hold ends. Pure apart from
 * write, with the clock and the timers given.
 */
export class Speaker {
  /**
   * @param {{write: (text: string) => void, interval?: number, now?: () => number,
   *   setTimer?: (fn: () => void, ms: number) => any, clearTimer?: (id: any) => void}} opts
   */
  constructor({write, interval = LIVE_INTERVAL_MS, now = () => performance.now(), setTimer = (fn, ms) => setTimeout(fn, ms), clearTimer = (id) => clearTimeout(id)}) {
    Object.assign(this, {write, interval, now, setTimer, clearTimer});
    this.said = '';
    this.at = -Infinity;
    this.waiting = null;
    this.held = false;
    this.timer = null;
  }

  /** offer takes the newest text (null: keep the one waiting); held: a drag is going on. */
  offer(text, held = false) {
    this.held = held;
    if (text !== null) this.waiting = text === this.said ? null : text;
    this.flush();
  }

  flush() {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    if (this.waiting === null || this.held) return;
    const wait = this.at + this.interval - this.now();
    if (wait > 0) {
      this.timer = this.setTimer(() => {
        this.timer = null;
        this.flush();
      }, wait);
      return;
    }
    this.said = this.waiting;
    this.waiting = null;
    this.at = this.now();
    this.write(this.said);
  }
}

/**
 * bindLiveRegion keeps the live region ([data-testid="live-summary"])
 * current.
 * @param {{store: object}} deps
 */
export function bindLiveRegion({store}) {
  const el = byTestId('live-summary');
  const speaker = new Speaker({write: (text) => (el.textContent = text)});
  // A press on a panel holds the region until it is let go: a drag
  // changes the scenario with every move.
  let pressed = false;
  byTestId('panels').addEventListener('pointerdown', (ev) => {
    if (!ev.target.matches('canvas')) return;
    pressed = true;
    speaker.offer(null, true);
  });
  const release = () => {
    if (!pressed) return;
    pressed = false;
    speaker.offer(summary(store.getState()), false);
  };
  addEventListener('pointerup', release, true);
  addEventListener('pointercancel', release, true);
  store.subscribe((s, prev) => {
    if (s.drawn === prev.drawn && s.server === prev.server) return;
    speaker.offer(pressed ? null : summary(s), pressed);
  });
}
