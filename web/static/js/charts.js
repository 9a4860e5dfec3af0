// charts.js: the U-Hop+ curves, drawn with uPlot (vendored, MIT): the
// separation loss and the minimum angle of the feature memories against
// the iteration (from `metrics` messages), with the best known angle for
// the scenario's (D_Φ, M) as a dashed reference (the server's
// `state.optimum`; else Prop. 3.1's bounds as two dashed lines, see
// optimum.js), and the unlabeled (white) fraction of every map (from
// the frames received). A vertical line marks the iteration on show.
// Data go to uPlot at most once per animation frame.

import uPlot from '../vendor/uplot/uPlot.esm.js';
import {byTestId, fmt, onFrame} from './dom.js';
import {referenceAngles} from './optimum.js';
import {separationTitle} from './panels.js';

const HEIGHT = 118;
// Tick spacings of the iteration axis: whole iterations only.
const ITERATION_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000];
const SEP_COLORS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#999999', '#1d1f24'];

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
          ctx.strokeStyle = 'rgba(29, 31, 36, 0.35)';
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

/**
 * tickLabels writes axis ticks with as many decimals as their spacing
 * needs, so that a loss moving in its fifth decimal gets distinct labels.
 */
function tickLabels(u, splits) {
  const step = splits.length > 1 ? Math.abs(splits[1] - splits[0]) : 0;
  const decimals = step > 0 ? Math.min(8, Math.max(0, 1 - Math.floor(Math.log10(step)))) : 2;
  return splits.map((v) => (v == null ? '' : v.toFixed(decimals)));
}

function makeChart(el, series, yLabel, getT, yRange) {
  const opts = {
    width: Math.max(200, el.clientWidth),
    height: HEIGHT,
    scales: {x: {time: false}, y: yRange ? {range: yRange} : {}},
    axes: [
      {label: 'iteration t', labelSize: 18, size: 34, font: '11px system-ui', labelFont: '11px system-ui', incrs: ITERATION_STEPS},
      {label: yLabel, labelSize: 18, size: 46, font: '11px system-ui', labelFont: '11px system-ui', values: tickLabels},
    ],
    legend: {live: true},
    cursor: {drag: {x: false, y: false}},
    series: [{label: 't'}, ...series],
    plugins: [tMarker(getT)],
  };
  return new uPlot(opts, [[], ...series.map(() => [])], el);
}

/**
 * bindCharts creates the three charts and keeps them current.
 * @param {{store: object}} deps
 */
export function bindCharts({store}) {
  const lossEl = byTestId('chart-loss');
  const angleEl = byTestId('chart-angle');
  const unlEl = byTestId('chart-unlabeled');
  const getT = () => store.getState().server?.t ?? null;

  const loss = makeChart(lossEl, [{label: 'loss', stroke: '#0072b2', width: 1.5, spanGaps: true}], 'loss', getT);
  const angle = makeChart(
    angleEl,
    [
      {label: 'min angle', stroke: '#d55e00', width: 1.5, spanGaps: true, value: (u, v) => (v == null ? '–' : `${v.toFixed(2)}°`)},
      {label: 'best known', stroke: '#5a606b', width: 1, dash: [5, 4], value: (u, v) => (v == null ? '–' : `${v.toFixed(1)}°`)},
      {label: 'Prop. 3.1 bounds (upper)', stroke: '#5a606b', width: 1, dash: [2, 3], value: (u, v) => (v == null ? '–' : `${v.toFixed(1)}°`)},
      {label: 'Prop. 3.1 bounds (lower)', stroke: '#5a606b', width: 1, dash: [2, 3], value: (u, v) => (v == null ? '–' : `${v.toFixed(1)}°`)},
    ],
    'degrees',
    getT,
  );
  let unl = null;
  let unlKey = '';

  const now = byTestId('metrics-now');

  const update = onFrame(() => {
    const s = store.getState();
    now.textContent = nowText(s);
    const m = s.metrics;
    const n = m.loss.length;
    const xs = Array.from({length: n}, (_, i) => i);
    const ref = referenceAngles(s.server?.optimum);
    loss.setData([xs, m.loss]);
    angle.setData([xs, m.minAngleDeg, xs.map(() => ref.best), xs.map(() => ref.upper), xs.map(() => ref.lower)]);

    const names = Object.keys(s.unlabeled.bySep);
    const key = names.join(',');
    if (key !== unlKey || !unl) {
      unl?.destroy();
      unlEl.replaceChildren();
      unl = makeChart(
        unlEl,
        names.map((name, i) => ({label: separationTitle(name), stroke: SEP_COLORS[i % SEP_COLORS.length], width: 1.5, spanGaps: true, value: (u, v) => (v == null ? '–' : `${(100 * v).toFixed(1)}%`)})),
        'fraction',
        getT,
        [0, 1],
      );
      unlKey = key;
    }
    const ts = new Set();
    for (const byT of Object.values(s.unlabeled.bySep)) for (const t of byT.keys()) ts.add(t);
    const tx = [...ts].sort((a, b) => a - b);
    unl.setData([tx, ...names.map((name) => tx.map((t) => s.unlabeled.bySep[name].get(t) ?? null))]);
  });

  store.subscribe((s, prev) => {
    if (s.metrics !== prev.metrics || s.unlabeled !== prev.unlabeled || s.server?.t !== prev.server?.t || s.server?.optimum !== prev.server?.optimum) update();
  });

  // Charts follow their boxes' widths.
  const ro = new ResizeObserver(() => {
    for (const [c, el] of [[loss, lossEl], [angle, angleEl], [unl, unlEl]]) {
      if (c && el.clientWidth > 0 && Math.abs(c.width - el.clientWidth) > 1) c.setSize({width: el.clientWidth, height: HEIGHT});
    }
  });
  for (const el of [lossEl, angleEl, unlEl]) ro.observe(el);
  update();
}

// nowText is the line of numbers at the iteration on show.
function nowText(s) {
  const st = s.server;
  if (!st) return '–';
  const m = s.metrics;
  const at = (a) => (m.epoch === st.epoch ? a[st.t] : undefined);
  const angle = at(m.minAngleDeg);
  const ref = referenceAngles(st.optimum);
  let refText = '';
  if (ref.best !== null) refText = ` (${st.optimum.proven ? 'optimum' : 'best known'} ${fmt(ref.best)}°)`;
  else if (ref.lower !== null && ref.upper !== null) refText = ` (Prop. 3.1: ${fmt(ref.lower)}° … ${fmt(ref.upper)}°)`;
  const parts = [`t = ${st.t}`, `L = ${fmt(at(m.loss))}`, `Δmin = ${fmt(at(m.deltaMin))}`];
  parts.push(`min angle ${angle == null ? '–' : angle.toFixed(2) + '°'}${refText}`);
  return parts.join(' · ');
}
