// barchart.js: the capacity lab's grouped bar chart, one panel per map:
// for every k of the table (a categorical axis: the k that occur, with a
// mark where k are skipped), the share of the queries that end in a
// mixture of k memories, raw beside the kernelized model (or the
// kernelized model with unit features). The layout is pure (node --test
// checks it); the painter draws it on a 2-D context in CSS pixels.

import {INK} from '../palette.js';
import {FONT} from './draw.js';

/**
 * SERIES are the bars' colours and fills, from the Okabe–Ito palette
 * (distinguishable with the common colour-vision deficiencies), and the
 * second series is hatched as well, so that colour is never the only
 * cue: raw is solid blue, kernelized orange with diagonal hatching,
 * kernelized with unit features reddish purple with crossed hatching.
 */
export const SERIES = Object.freeze({
  raw: Object.freeze({color: '#0072b2', hatch: null, words: 'solid blue'}),
  kernelized: Object.freeze({color: '#e69f00', hatch: 'diagonal', words: 'orange, hatched'}),
  kernelizedNormalized: Object.freeze({color: '#cc79a7', hatch: 'cross', words: 'purple, cross-hatched'}),
});

/** The y axis's ticks: shares of the queries. */
const Y_TICKS = [0, 0.25, 0.5, 0.75, 1];

/** The least height of a bar whose count is not 0, in CSS pixels. */
export const MIN_BAR = 1.5;

/** The width of a gap's slot between non-consecutive k, in k slots. */
export const GAP_SLOT = 0.6;

/** The mark of skipped k on the axis. */
export const GAP_MARK = '…';

/**
 * The x axis's title: the axis is categorical, a slot per k of the table,
 * and, when some k are skipped, a second line says what the marks mean.
 */
export const X_TITLE = 'k, memories in the final mixture';
export const X_GAP_NOTE = `${GAP_MARK} marks k skipped: no query ended there`;

/**
 * barLayout lays out the panel of map c in (x, y, w, h): the plot's box,
 * a bar per k of ks and per model of keys (raw first), the k labels that
 * fit (every step-th, none over a gap's mark), the marks of the gaps
 * between non-consecutive k, and the y ticks. The x axis is categorical:
 * a slot per k of ks, in order, and a narrower slot (GAP_SLOT) where k
 * are skipped, so that 0, 1, 2, 5 never reads as evenly spaced numbers.
 * measure(text) is the width of a text in the chart's font of fontPx.
 * @param {{label: string}} c a map of capacityModel
 * @param {number[]} ks the table's rows, ascending
 * @param {string[]} keys the models, e.g. ['raw', 'kernelized']
 * @param {number} q the number of queries
 * @returns {{left: number, right: number, top: number, bottom: number,
 *   bars: {k: number, key: string, x: number, y: number, w: number, h: number, count: number}[],
 *   xTicks: {k: number, x: number}[], gaps: {from: number, to: number, x: number, w: number}[],
 *   yTicks: {v: number, y: number}[]}}
 */
export function barLayout(c, ks, keys, q, x, y, w, h, fontPx, measure) {
  const tickW = measure('100 %');
  const left = x + tickW + fontPx * 0.8;
  const right = x + w - fontPx * 0.5;
  const top = y + fontPx * 2;
  const skipped = ks.some((k, i) => i > 0 && k !== ks[i - 1] + 1);
  const bottom = y + h - fontPx * (skipped ? 4.5 : 3.2);
  // Slots: one per k, GAP_SLOT between non-consecutive k.
  const slots = [];
  let units = 0;
  ks.forEach((k, i) => {
    if (i > 0 && k !== ks[i - 1] + 1) {
      slots.push({gap: true, from: ks[i - 1] + 1, to: k - 1, at: units});
      units += GAP_SLOT;
    }
    slots.push({k, at: units});
    units += 1;
  });
  const gw = (right - left) / Math.max(1, units);
  const gap = Math.min(2, gw * 0.05);
  const bw = Math.min(fontPx * 2.4, (gw * 0.8 - gap) / keys.length);
  const bars = [];
  const mids = [];
  const gaps = [];
  for (const sl of slots) {
    if (sl.gap) {
      gaps.push({from: sl.from, to: sl.to, x: left + gw * (sl.at + GAP_SLOT / 2), w: gw * GAP_SLOT});
      continue;
    }
    const mid = left + gw * (sl.at + 0.5);
    mids.push({k: sl.k, x: mid});
    const x0 = mid - (keys.length * bw + (keys.length - 1) * gap) / 2;
    keys.forEach((key, j) => {
      const count = c[key][sl.k];
      const bh = count > 0 ? Math.max(MIN_BAR, (count / q) * (bottom - top)) : 0;
      bars.push({k: sl.k, key, x: x0 + j * (bw + gap), y: bottom - bh, w: bw, h: bh, count});
    });
  }
  const widest = Math.max(...ks.map((k) => measure(String(k))), 1);
  const step = Math.max(1, Math.ceil((widest + fontPx * 0.6) / gw));
  const markW = measure(GAP_MARK);
  const clear = (t) => gaps.every((g) => Math.abs(g.x - t.x) >= (measure(String(t.k)) + markW) / 2 + fontPx * 0.3);
  const xTicks = mids.filter((_, i) => i % step === 0).filter(clear);
  const yTicks = Y_TICKS.map((v) => ({v, y: bottom - v * (bottom - top)}));
  return {left, right, top, bottom, bars, xTicks, gaps, yTicks};
}

/**
 * paintBar fills a bar (or a legend swatch) of model key: its colour,
 * its hatching, a dark edge.
 */
export function paintBar(ctx, key, x, y, w, h) {
  const s = SERIES[key];
  if (w <= 0 || h <= 0) return;
  ctx.save();
  ctx.fillStyle = s.color;
  ctx.fillRect(x, y, w, h);
  if (s.hatch) {
    ctx.beginPath();
    ctx.rect(x, y, w, h);
    ctx.clip();
    ctx.strokeStyle = 'rgba(29, 31, 36, 0.55)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    const d = 5;
    for (let t = -h; t < w + h; t += d) {
      ctx.moveTo(x + t, y + h);
      ctx.lineTo(x + t + h, y);
      if (s.hatch === 'cross') {
        ctx.moveTo(x + t, y);
        ctx.lineTo(x + t + h, y + h);
      }
    }
    ctx.stroke();
  }
  ctx.restore();
  ctx.strokeStyle = INK;
  ctx.lineWidth = 0.75;
  ctx.strokeRect(x + 0.375, y + 0.375, Math.max(0, w - 0.75), Math.max(0, h - 0.75));
}

/**
 * drawBarPanel paints map c's panel in (x, y, w, h): its title, the grid
 * of shares, the bars of keys for every k of ks, the axes and their
 * labels.
 */
export function drawBarPanel(ctx, x, y, w, h, c, ks, keys, q, fontPx = 12) {
  ctx.save();
  ctx.font = `${fontPx}px ${FONT}`;
  const lay = barLayout(c, ks, keys, q, x, y, w, h, fontPx, (t) => ctx.measureText(t).width);
  const {left, right, top, bottom} = lay;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(x, y, w, h);
  ctx.fillStyle = INK;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  ctx.font = `600 ${fontPx * 1.1}px ${FONT}`;
  ctx.fillText(c.label, left, y + fontPx * 0.2);
  ctx.font = `${fontPx}px ${FONT}`;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of lay.yTicks) {
    const ty = Math.round(t.y) + 0.5;
    ctx.strokeStyle = t.v === 0 ? INK : '#e3e6eb';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(left, ty);
    ctx.lineTo(right, ty);
    ctx.stroke();
    ctx.fillText(t.v === 1 ? '100 %' : String(Math.round(t.v * 100)), left - fontPx * 0.4, ty);
  }
  for (const b of lay.bars) paintBar(ctx, b.key, b.x, b.y, b.w, b.h);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of lay.xTicks) ctx.fillText(String(t.k), t.x, bottom + fontPx * 0.35);
  // A gap: the axis broken by two slanted strokes, and its mark.
  for (const g of lay.gaps) {
    const by = Math.round(bottom) + 0.5;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(g.x - g.w / 4, by - 2, g.w / 2, 4);
    ctx.strokeStyle = INK;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (const dx of [-g.w / 4, g.w / 4]) {
      ctx.moveTo(g.x + dx - 2, by + 4);
      ctx.lineTo(g.x + dx + 2, by - 4);
    }
    ctx.stroke();
    ctx.fillStyle = INK;
    ctx.fillText(GAP_MARK, g.x, bottom + fontPx * 0.35);
  }
  ctx.fillText(X_TITLE, (left + right) / 2, bottom + fontPx * 1.7);
  if (lay.gaps.length) ctx.fillText(X_GAP_NOTE, (left + right) / 2, bottom + fontPx * 3);
  ctx.restore();
}

/**
 * kRuns writes the k of ks, ascending, as runs of consecutive values:
 * [0, 1, 2, 5, 7, 8] → "0–2, 5 and 7–8".
 * @param {number[]} ks
 */
export function kRuns(ks) {
  const runs = [];
  for (const k of ks) {
    const last = runs[runs.length - 1];
    if (last && k === last[1] + 1) last[1] = k;
    else runs.push([k, k]);
  }
  const words = runs.map(([a, b]) => (a === b ? String(a) : b === a + 1 ? `${a}, ${b}` : `${a}–${b}`));
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/**
 * axisText says in words what the chart's x axis shows, for its text
 * alternative: every k of a range, or only the k that occur with marks
 * where k are skipped (as barLayout lays them out).
 * @param {number[]} ks the table's rows, ascending
 */
export function axisText(ks) {
  if (ks.every((k, i) => i === 0 || k === ks[i - 1] + 1)) {
    return ks.length > 1 ? `a bar group for every k from ${ks[0]} to ${ks[ks.length - 1]}` : `one bar group, k = ${ks[0]}`;
  }
  return `bar groups only for k = ${kRuns(ks)} (the k some query reached), side by side, with ${GAP_MARK} where k are skipped`;
}
