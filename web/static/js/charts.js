// charts.js: the U-Hop+ curves, drawn with uPlot (vendored, MIT): the
// separation loss and the minimum angle of the feature memories against
// the iteration (from `metrics` messages), with the optimal code for the
// scenario's (D_Φ, M) as a dashed reference, and the white (unlabeled)
// fraction of every map in every view (from full-resolution frames; an
// iteration whose frame was skipped is a gap). A vertical line marks the
// iteration on show, and the legends read the values there unless the
// pointer is over a chart. The charts are kept out of the path of every
// frame: they are drawn again only when what they show changed (the
// metrics, the white shares, the iteration on show or the optimum), at
// once when they have not been drawn for CHART_INTERVAL_MS, else at the end
// of that interval, so while a memory is dragged or the session plays they
// are drawn at most a few times per second.

import uPlot from '../vendor/uplot/uPlot.esm.js';
import {byTestId, fmt} from './dom.js';
import {separationShort} from './panels.js';
import {chartTicks, optimumReference} from './chartmath.js';
import {THEME_EVENT} from './theme.js';

const HEIGHT = 124;
/** The charts are drawn at most once per this many ms. */
export const CHART_INTERVAL_MS = 250;
const FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif';
// Tick spacings of the iteration axis: whole iterations only.
const ITERATION_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000];
const SEP_COLORS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#999999', '#1d1f24'];
const VIEW_DASH = {input: undefined, feature: [6, 3]};
const VIEW_WORD = {input: 'input', feature: 'feature'};

// ink: the colours of the axes, the grid and the iteration marker, those
// of the page's theme (readInk).
const ink = {axis: '#1d1f24', grid: 'rgba(0, 0, 0, 0.07)', marker: 'rgba(29, 31, 36, 0.35)', ref: '#5a606b'};

// readInk takes the charts' colours from the theme on show.
function readInk(el) {
  const dark = getComputedStyle(document.documentElement).colorScheme === 'dark';
  ink.axis = getComputedStyle(el).color || ink.axis;
  ink.grid = dark ? 'rgba(255, 255, 255, 0.12)' : 'rgba(0, 0, 0, 0.07)';
  ink.marker = dark ? 'rgba(230, 232, 236, 0.5)' : 'rgba(29, 31, 36, 0.35)';
  ink.ref = dark ? '#a9b0bc' : '#5a606b';
}

// tMarker draws a vertical line at the iteration on show.
function tMarker(getT) {
  return {
    hooks: {
      draw: [
        (u) => {
          const t = getT();
          if (t === null || u.data[0].length === 0) return;
          const x = u.valToPos(t, 'x', true);
          if (!(x >= u.bbox.left && x <= u.bbox.left + u.bbox.width)) return;
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = ink.marker;
          ctx.lineWidth = 1 * devicePixelRatio;
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.restore();
        },
      ],
    },
  };
}

// restingLegend makes the legend show the values at the iteration on show
// whenever the pointer is not over the chart (uPlot would show "--").
function restingLegend(getT) {
  const rest = (u) => {
    if (u.cursor.idx != null || u.cursor.left >= 0) return;
    const t = getT();
    const xs = u.data[0];
    if (t === null || !xs.length) return;
    let idx = xs.indexOf(t);
    if (idx < 0) idx = xs.length - 1;
    u.setLegend({idx}, false);
  };
  return {hooks: {setCursor: [rest], setData: [rest]}};
}

/**
 * makeChart builds one chart. yAxis: {label, range?: [lo, hi] | fn,
 * unit?: string}.
 */
function makeChart(el, series, yAxis, getT, title) {
  const opts = {
    width: Math.max(200, el.clientWidth),
    height: HEIGHT,
    scales: {x: {time: false}, y: {range: yAxis.range || paddedRange}},
    axes: [
      {label: 'iteration t', labelSize: 18, size: 34, font: FONT, labelFont: FONT, incrs: ITERATION_STEPS, stroke: () => ink.axis, grid: {stroke: () => ink.grid}, ticks: {stroke: () => ink.grid}},
      {label: yAxis.label, labelSize: 18, size: (u, values) => axisWidth(values), gap: 4, space: 18, font: FONT, labelFont: FONT, values: (u, splits) => chartTicks(splits), stroke: () => ink.axis, grid: {stroke: () => ink.grid}, ticks: {stroke: () => ink.grid}},
    ],
    legend: {live: true},
    cursor: {drag: {x: false, y: false}},
    series: [{label: 't'}, ...series],
    plugins: [tMarker(getT), restingLegend(getT)],
  };
  const u = new uPlot(opts, [[], ...series.map(() => [])], el);
  // The canvas is the chart's picture; its name says what it plots.
  u.ctx.canvas.setAttribute('role', 'img');
  u.ctx.canvas.setAttribute('aria-label', title);
  return u;
}

// paddedRange widens a flat or empty range so that ticks stay meaningful.
function paddedRange(u, lo, hi) {
  if (lo == null || hi == null || !Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
    const pad = Math.max(Math.abs(hi) * 0.05, 1e-3);
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * 0.08;
  return [lo - pad, hi + pad];
}

// axisWidth is the y axis's width in CSS px: the title's band (18 px), a
// gap, and room for its widest tick label at 12 px.
function axisWidth(values) {
  const longest = values ? Math.max(0, ...values.map((v) => String(v ?? '').length)) : 4;
  return 34 + 8 * longest;
}

/**
 * bindCharts creates the three charts and keeps them current.
 * @param {{store: object}} deps
 */
export function bindCharts({store}) {
  const lossEl = byTestId('chart-loss');
  const angleEl = byTestId('chart-angle');
  const unlEl = byTestId('chart-unlabeled');
  const refNote = byTestId('chart-angle-reference');
  const coarseNote = byTestId('chart-unlabeled-coarse');
  const getT = () => store.getState().server?.t ?? null;
  readInk(lossEl);

  const loss = makeChart(lossEl, [{label: 'L', stroke: '#0072b2', width: 1.5, spanGaps: true, value: (u, v) => fmt(v)}], {label: 'loss L'}, getT, 'Separation loss L against the iteration t');
  const degrees = (u, v) => (v == null ? '–' : `${v.toFixed(2)}°`);
  const angle = makeChart(
    angleEl,
    [
      {label: 'min angle', stroke: '#d55e00', width: 1.5, spanGaps: true, value: degrees},
      {label: 'best known', stroke: () => ink.ref, width: 1, dash: [5, 4], value: degrees},
      {label: 'Prop. 3.1 bounds (upper)', stroke: () => ink.ref, width: 1, dash: [2, 3], value: degrees},
      {label: 'Prop. 3.1 bounds (lower)', stroke: () => ink.ref, width: 1, dash: [2, 3], value: degrees},
    ],
    {label: 'degrees', range: angleRange},
    getT,
    'Minimum angle between the feature memories against the iteration t, with the optimum',
  );
  let unl = null;
  let unlKey = '';

  const now = byTestId('metrics-now');

  const update = throttle(() => {
    const s = store.getState();
    now.textContent = nowText(s);
    const m = s.metrics;
    const n = m.loss.length;
    const xs = Array.from({length: n}, (_, i) => i);
    const ref = optimumReference(s.server);
    loss.setData([xs, m.loss]);
    angle.setData([xs, m.minAngleDeg, xs.map(() => ref.angle), xs.map(() => ref.upper), xs.map(() => ref.lower)]);
    const want = [ref.angle !== null, ref.upper !== null, ref.lower !== null];
    want.forEach((show, i) => {
      if (angle.series[i + 2].show !== show) angle.setSeries(i + 2, {show});
    });
    const label = ref.kind;
    if (refNote.textContent !== label) refNote.textContent = label;
    setSeriesLabel(angle, 2, ref.proven ? 'optimum' : 'best known');

    const keys = Object.keys(s.unlabeled.series);
    const key = keys.join(',');
    if (key !== unlKey || !unl) {
      unl?.destroy();
      unlEl.replaceChildren();
      const seps = [...new Set(keys.map((k) => k.split('|')[0]))];
      unl = makeChart(
        unlEl,
        keys.map((k) => {
          const [sep, view] = k.split('|');
          return {
            label: `${separationShort(sep)} · ${VIEW_WORD[view] ?? view}`,
            stroke: SEP_COLORS[seps.indexOf(sep) % SEP_COLORS.length],
            dash: VIEW_DASH[view],
            width: 1.5,
            spanGaps: false,
            // A point between two gaps has no line: draw every point.
            points: {show: true, size: 4},
            value: (u, v) => (v == null ? '–' : `${(100 * v).toFixed(1)} %`),
          };
        }),
        {label: 'white share', range: [0, 1]},
        getT,
        'White share of every map and view against the iteration t',
      );
      unlKey = key;
    }
    // Every iteration up to the newest recorded one is on the axis, so an
    // iteration without a full-resolution frame shows as a gap.
    let last = -1;
    for (const byT of Object.values(s.unlabeled.series)) for (const t of byT.keys()) last = Math.max(last, t);
    const tx = Array.from({length: last + 1}, (_, i) => i);
    unl.setData([tx, ...keys.map((k) => tx.map((t) => s.unlabeled.series[k].get(t) ?? null))]);
    const note = coarseNoteText(s.unlabeled.coarse);
    if (coarseNote.textContent !== note) coarseNote.textContent = note;
    coarseNote.hidden = note === '';
  });

  store.subscribe((s, prev) => {
    if (chartsChanged(s, prev)) update();
  });

  // Charts follow their boxes' widths.
  const ro = new ResizeObserver(() => {
    for (const [c, el] of [[loss, lossEl], [angle, angleEl], [unl, unlEl]]) {
      if (c && el.clientWidth > 0 && Math.abs(c.width - el.clientWidth) > 1) c.setSize({width: el.clientWidth, height: HEIGHT});
    }
  });
  for (const el of [lossEl, angleEl, unlEl]) ro.observe(el);
  // The axes are drawn in the theme's colours.
  document.addEventListener(THEME_EVENT, () => {
    readInk(lossEl);
    for (const c of [loss, angle, unl]) if (c) c.redraw(false, true);
  });
  update();
}

/**
 * coarseNoteText says how many of the white shares shown came from coarse
 * frames while playing ('' when none): they are of a coarser grid.
 * @param {Set<number>|undefined} coarse
 */
export function coarseNoteText(coarse) {
  const n = coarse ? coarse.size : 0;
  if (n === 0) return '';
  return `· ${n} played iteration${n === 1 ? '' : 's'} measured on a coarser grid while playing (approximate; step to one to see it at full resolution)`;
}

/**
 * chartsChanged tells whether state s shows other charts than prev: other
 * metrics or white shares, another iteration, or another optimum. A state
 * message that changes none of them (a memory being dragged changes the
 * scenario, not the curves of its new epoch once they came) is not drawn.
 * @param {object} s
 * @param {object} prev
 */
export function chartsChanged(s, prev) {
  if (s.metrics !== prev.metrics || s.unlabeled !== prev.unlabeled) return true;
  if (s.server === prev.server) return false;
  const a = s.server;
  const b = prev.server;
  if (!a || !b) return a !== b;
  return a.t !== b.t || a.epoch !== b.epoch || JSON.stringify(a.optimum) !== JSON.stringify(b.optimum);
}

/**
 * throttle returns a function that runs fn in an animation frame at most
 * once per CHART_INTERVAL_MS: at once when the last run is longer ago,
 * else at the end of the interval, however often it is called meanwhile.
 * @param {() => void} fn
 */
function throttle(fn) {
  let last = -Infinity;
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    const wait = Math.max(0, last + CHART_INTERVAL_MS - performance.now());
    setTimeout(() => {
      requestAnimationFrame(() => {
        queued = false;
        last = performance.now();
        fn();
      });
    }, wait);
  };
}

// setSeriesLabel renames series i in the chart's legend.
function setSeriesLabel(u, i, text) {
  const el = u.root.querySelectorAll('.u-legend .u-series')[i]?.querySelector('.u-label');
  if (el && el.textContent !== text) el.textContent = text;
}

// angleRange is the minimum-angle axis: from 0 to a little above the
// largest of the curve and the reference.
function angleRange(u, lo, hi) {
  const top = Math.max(hi ?? 0, 1);
  return [0, Math.min(180, top * 1.12)];
}

// nowText is the line of numbers at the iteration on show.
function nowText(s) {
  const st = s.server;
  if (!st) return '–';
  const m = s.metrics;
  const at = (a) => (m.epoch === st.epoch ? a[st.t] : undefined);
  const angle = at(m.minAngleDeg);
  const ref = optimumReference(st);
  const parts = [`t = ${st.t}`, `L = ${fmt(at(m.loss))}`, `Δmin = ${fmt(at(m.deltaMin))}`];
  let opt = '';
  if (ref.angle !== null) opt = ` (${ref.proven ? 'optimum' : 'best known'} ${fmt(ref.angle)}°)`;
  else if (ref.lower !== null) opt = ` (Prop. 3.1: ${fmt(ref.lower)}° … ${fmt(ref.upper)}°)`;
  parts.push(`min angle ${angle == null ? '–' : angle.toFixed(2) + '°'}${opt}`);
  return parts.join(' · ');
}
