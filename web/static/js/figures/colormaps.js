// colormaps.js: the colour maps of the energy panels. Pure: no DOM.
//
// "As published" uses a map like matplotlib's "hot", the paper's: black
// through red and yellow to white, dark = low. It is built here from the
// piecewise-linear segments that define it (red rises over [0, 0.365],
// green over [0.365, 0.746], blue over [0.746, 1]). "Corrected" uses the
// explorer's viridis (../colormap.js).

import {colormapLUT} from '../colormap.js';

const RED_END = 0.365079;
const GREEN_END = 0.746032;

function ramp(t, a, b, from = 0) {
  if (t <= a) return from;
  if (t >= b) return 1;
  return from + ((1 - from) * (t - a)) / (b - a);
}

/**
 * hotRGB returns the hot-like colour of t ∈ [0, 1] (clamped) as bytes.
 * @param {number} t
 * @returns {[number, number, number]}
 */
export function hotRGB(t) {
  const x = Math.min(1, Math.max(0, t));
  const r = x <= RED_END ? 0.0416 + ((1 - 0.0416) * x) / RED_END : 1;
  const g = ramp(x, RED_END, GREEN_END);
  const b = ramp(x, GREEN_END, 1);
  return [r, g, b].map((v) => Math.round(255 * v));
}

/**
 * bandColors returns one RGB colour per band of a drawing: n bands spread
 * over the whole colour map, the first at its dark end, the last at its
 * light end (as contourf colours its bands).
 * @param {'published'|'corrected'} mode
 * @param {number} n
 * @returns {[number, number, number][]}
 */
export function bandColors(mode, n) {
  const lut = mode === 'published' ? null : colormapLUT();
  const out = [];
  for (let k = 0; k < n; k++) {
    const t = n > 1 ? k / (n - 1) : 0;
    if (lut) {
      const i = Math.round(t * 255) * 3;
      out.push([lut[i], lut[i + 1], lut[i + 2]]);
    } else {
      out.push(hotRGB(t));
    }
  }
  return out;
}

/** The names of the colour maps, for legends and captions. */
export const MAP_NAME = Object.freeze({published: 'hot', corrected: 'viridis'});
