// levels.js: the colour levels of the energy panels and the ticks of the
// axes. Pure: no DOM; tested with node --test.
//
// The paper draws its energies with matplotlib's contourf, whose default
// levels come from MaxNLocator(8): at most 8 bands of a "nice" width (1,
// 2, 2.5 or 5 times a power of ten) covering the data. The figures page
// draws the same bands, so a panel shows as many colours as the paper's.

/** The band widths of MaxNLocator, per decade. */
const STEPS = [1, 2, 2.5, 5, 10];

/**
 * finiteRange returns [min, max] of the finite values of arrays, or null
 * when there is none.
 * @param {...ArrayLike<number>} arrays
 * @returns {[number, number]|null}
 */
export function finiteRange(...arrays) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * niceLevels returns the edges of at most nbins bands of equal, nice width
 * (1, 2, 2.5 or 5 × 10^k) that cover [lo, hi], from a multiple of the width
 * at or below lo to one at or above hi, as matplotlib's MaxNLocator. A
 * range of zero width gets one band around its value.
 * @param {number} lo
 * @param {number} hi
 * @param {number} [nbins]
 * @returns {number[]} increasing, at least 2 values
 */
export function niceLevels(lo, hi, nbins = 8) {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi - lo <= Math.abs(hi) * 1e-12) {
    const pad = Math.abs(hi) > 0 ? Math.abs(hi) * 1e-3 : 1e-3;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / nbins;
  const decade = 10 ** Math.floor(Math.log10(raw));
  for (const s of STEPS) {
    const step = s * decade;
    const first = Math.floor(lo / step + 1e-9);
    const last = Math.ceil(hi / step - 1e-9);
    if (last - first <= nbins) return edges(first, last, step);
  }
  // Rounding pushed the last candidate over: the next decade always fits.
  const step = 10 * decade;
  return edges(Math.floor(lo / step + 1e-9), Math.ceil(hi / step - 1e-9), step);
}

function edges(first, last, step) {
  const out = [];
  for (let k = first; k <= Math.max(last, first + 1); k++) out.push(clean(k * step, step));
  return out;
}

// clean rounds away the float noise of k·step (0.30000000000000004 → 0.3).
function clean(v, step) {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(v.toFixed(Math.min(digits, 15))) || 0;
}

/**
 * bandOf returns the band of levels that v falls in, 0 … levels.length − 2
 * (values beyond the edges fall in the first or last band), or −1 for a
 * value that is not finite.
 * @param {number[]} levels increasing
 * @param {number} v
 */
export function bandOf(levels, v) {
  if (!Number.isFinite(v)) return -1;
  let lo = 0;
  let hi = levels.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (v >= levels[mid]) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * formatLevel writes a level for a tick or a caption: as many decimals as
 * the band width needs, "−" for minus.
 * @param {number} v
 * @param {number} step the band width
 */
export function formatLevel(v, step) {
  const s = (Math.abs(v) < step * 1e-9 ? 0 : v).toFixed(levelDecimals(step));
  return s.replace('-', '−');
}

// levelDecimals is the number of decimals that writes every multiple of
// step exactly.
function levelDecimals(step) {
  return Math.max(0, Math.min(8, -Math.floor(Math.log10(step) + 1e-9) + (isHalfStep(step) ? 1 : 0)));
}

/**
 * tickLabels writes the levels of one colour bar that are shown (their
 * indices, in order), all with the same number of decimals: the fewest
 * that write every one of them exactly, so that a bar reads "−0.5 … −0.3",
 * not "−0.500 … −0.300", and "−0.50 … −0.45" rather than "−0.5 … −0.45".
 * "−" for minus.
 * @param {number[]} levels
 * @param {number} step the band width
 * @param {number[]} indices of the levels shown
 * @returns {string[]}
 */
export function tickLabels(levels, step, indices) {
  const most = levelDecimals(step);
  const values = indices.map((k) => (Math.abs(levels[k]) < step * 1e-9 ? 0 : levels[k]));
  let d = 0;
  for (const v of values) {
    while (d < most && Math.abs(Number(v.toFixed(d)) - v) > step * 1e-6) d++;
  }
  return values.map((v) => v.toFixed(d).replace('-', '−'));
}

// isHalfStep: widths like 2.5 or 0.25 need one digit more than their decade.
function isHalfStep(step) {
  const m = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
  return Math.abs(m - 2.5) < 1e-9;
}

/**
 * logTicks returns the powers of ten within [lo, hi] (lo > 0), and the 2×
 * and 5× ticks between them when the range spans at most four decades.
 * @param {number} lo
 * @param {number} hi
 * @returns {{value: number, major: boolean}[]}
 */
export function logTicks(lo, hi) {
  const out = [];
  const k0 = Math.floor(Math.log10(lo));
  const k1 = Math.ceil(Math.log10(hi));
  const minor = k1 - k0 <= 4;
  for (let k = k0; k <= k1; k++) {
    for (const m of minor ? [1, 2, 5] : [1]) {
      const v = m * 10 ** k;
      if (v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12)) out.push({value: Number(v.toPrecision(12)), major: m === 1});
    }
  }
  return out;
}
