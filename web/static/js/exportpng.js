// exportpng.js: a picture of the explorer for slides and notes: one panel
// or the whole view (every map of every view shown), at twice the size of
// its CSS pixels, on white, with a header naming the iteration and the
// settings, each panel's title, its colour bar or key and white share, and
// a key of the memories. The panels are drawn by panel.js's own PanelView
// on canvases of their own at the export's scale, so the picture shows what
// the page shows, only sharper. The layout (exportLayout) and the choices
// (exportTargets) are pure and tested with node --test; the approach is
// the /figures page's export (figures/compose.js: its scale and text
// wrapping are reused).

import {COLORMAP_NAME, colormapLUT} from './colormap.js';
import {EXPORT_SCALE, wrapText} from './figures/compose.js';
import {FONT} from './figures/draw.js';
import {INK, drawMarker} from './palette.js';
import {PanelView} from './panel.js';
import {separationShort, separationTitle} from './panels.js';
import {VIEW_ORDER} from './store.js';
import {formatNumber} from './viewport.js';

export {EXPORT_SCALE};

/** The exported picture's measures, CSS pixels. */
export const PANEL = 300;
const PAD = 20;
const GAP = 18;
const HEADER_H = 58;
const ROW_LABEL_H = 24;
const TITLE_H = 22;
const KEY_H = 46;
const LEGEND_ITEM_W = 58;
const LEGEND_LINE_H = 22;

const VIEW_TITLES = {input: 'Input space', feature: 'Feature space'};

/**
 * exportTargets lists what can be exported from a frame: the whole view,
 * then every panel ("input:0" …), with their labels.
 * @param {{views: {space: string, panels: object[]}[], separations: string[]}} frame
 * @returns {{value: string, label: string}[]}
 */
export function exportTargets(frame) {
  const out = [{value: 'all', label: 'the whole view'}];
  for (const v of sortedViews(frame)) {
    v.panels.forEach((_, i) => out.push({value: `${v.space}:${i}`, label: `${v.space} space, ${separationShort(frame.separations[i])}`}));
  }
  return out;
}

function sortedViews(frame) {
  return VIEW_ORDER.map((s) => frame.views.find((v) => v.space === s)).filter(Boolean);
}

/**
 * targetRows gives the rows of panels of a target: [{space, maps: [i…]}],
 * or null when the frame has no such panel.
 */
export function targetRows(frame, target) {
  if (target === 'all') return sortedViews(frame).map((v) => ({space: v.space, maps: v.panels.map((_, i) => i)}));
  const m = /^(input|feature):(\d+)$/.exec(target || '');
  const v = m && frame.views.find((x) => x.space === m[1]);
  if (!v || Number(m[2]) >= v.panels.length) return null;
  return [{space: v.space, maps: [Number(m[2])]}];
}

/**
 * exportLayout places the rows of panels and the key of m memories:
 * {width, height, rows: [{space, y}], cells: [{space, index, x, y}],
 * legendY}, CSS pixels; a cell's y is its panel's top.
 * @param {{space: string, maps: number[]}[]} rows
 * @param {number} m the number of memories
 * @param {number} [panel] a panel's side
 */
export function exportLayout(rows, m, panel = PANEL) {
  const cols = Math.max(1, ...rows.map((r) => r.maps.length));
  const width = Math.max(2 * PAD + cols * panel + (cols - 1) * GAP, 420);
  let y = PAD + HEADER_H;
  const outRows = [];
  const cells = [];
  for (const r of rows) {
    outRows.push({space: r.space, y});
    y += ROW_LABEL_H;
    r.maps.forEach((index, k) => cells.push({space: r.space, index, x: PAD + k * (panel + GAP), y: y + TITLE_H}));
    y += TITLE_H + panel + KEY_H + GAP;
  }
  const perLine = Math.max(1, Math.floor((width - 2 * PAD) / LEGEND_ITEM_W));
  const lines = Math.ceil(m / perLine) + 1; // the memories, then white on a line of its own
  const legendY = y;
  return {width, height: legendY + lines * LEGEND_LINE_H + PAD, rows: outRows, cells, legendY, perLine};
}

/** exportName is the file name of a picture of target at iteration t. */
export function exportName(target, frame) {
  if (target === 'all') return `hoplab-t${frame.t}-view.png`;
  const [space, i] = target.split(':');
  return `hoplab-t${frame.t}-${space}-${(frame.separations[Number(i)] || `map${i}`).replace(/[^A-Za-z0-9.]+/g, '-')}.png`;
}

/**
 * composePNG draws the picture of target: {canvas, width, height} (CSS
 * pixels; the canvas has EXPORT_SCALE device pixels to each).
 * @param {object} frame the painted frame (store.drawn.frame)
 * @param {object} ui what the panels show: {show, optimum, probe}
 * @param {object} server the session's state (scenario, dims)
 * @param {string} target 'all' or 'space:index'
 */
export function composePNG(frame, ui, server, target) {
  const rows = targetRows(frame, target);
  if (!rows) throw new Error(`export: no panel ${target} on show`);
  const L = exportLayout(rows, frame.m);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(L.width * EXPORT_SCALE);
  canvas.height = Math.round(L.height * EXPORT_SCALE);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(EXPORT_SCALE, 0, 0, EXPORT_SCALE, 0, 0);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, L.width, L.height);

  const sc = server.scenario || {};
  const show = ui.show || 'both';
  const showWords = {both: 'basins + energy contours', basins: 'basins', energy: `energy (${COLORMAP_NAME})`}[show];
  text(ctx, `hoplab · iteration t = ${frame.t}`, PAD, PAD, 'bold', 18);
  const dims = server.dims || {};
  const r = sc.retrieval || {};
  const about = `M = ${frame.m} memories, d = ${dims.d ?? '?'}, D_Φ = ${dims.k ?? '?'} · β = ${sc.beta} · ${r.steps ?? 5} retrieval steps, tolerance ${r.tolerance ?? 0.001} · panels: ${showWords}`;
  ctx.font = `12px ${FONT}`;
  wrapText(ctx, about, L.width - 2 * PAD).slice(0, 2).forEach((line, k) => text(ctx, line, PAD, PAD + 26 + k * 15, 'normal', 12));

  const panelUI = {
    separations: frame.separations,
    separationTitles: frame.separations.map(separationShort),
    show,
    selected: null,
    hover: null,
    probe: ui.probe || null,
    optimum: ui.optimum || null,
  };
  for (const row of L.rows) text(ctx, VIEW_TITLES[row.space], PAD, row.y + 3, 'bold', 14);
  for (const cell of L.cells) {
    const view = frame.views.find((v) => v.space === cell.space);
    const panel = view.panels[cell.index];
    ctx.font = `bold 13px ${FONT}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    ctx.fillStyle = INK;
    ctx.fillText(separationTitle(frame.separations[cell.index]), cell.x + PANEL / 2, cell.y - 4);
    ctx.textAlign = 'left';
    const plot = drawPanel(ctx, frame, panelUI, cell);
    drawKey(ctx, panel, show, cell.x + plot.left, cell.y + PANEL + 2, plot.width);
  }
  drawLegend(ctx, L, frame.m);
  return {canvas, width: L.width, height: L.height};
}

// drawPanel paints one panel with a PanelView of its own at the export's
// scale and copies it; it returns the plot's inset in the panel.
function drawPanel(ctx, frame, ui, cell) {
  const holder = document.createElement('div');
  const pv = new PanelView(holder, {space: cell.space, panelIndex: cell.index});
  try {
    pv.setSize(PANEL, PANEL, PANEL * EXPORT_SCALE, PANEL * EXPORT_SCALE);
    pv.labelColor = INK; // on white, whatever the page's theme
    pv.render(frame, ui);
    ctx.drawImage(pv.canvas, cell.x, cell.y, PANEL, PANEL);
    return {left: pv.vp.left, width: pv.vp.width};
  } finally {
    pv.destroy();
  }
}

// drawKey writes what a panel's colours mean under it: the energy's colour
// bar, or the contour levels' range, and its white share.
function drawKey(ctx, panel, show, x, y, w) {
  ctx.save();
  ctx.font = `11px ${FONT}`;
  ctx.fillStyle = INK;
  ctx.textBaseline = 'top';
  const lo = formatNumber(panel.energyMin);
  const hi = formatNumber(panel.energyMax);
  let line = y + 2;
  if (show === 'energy') {
    const lut = colormapLUT();
    for (let k = 0; k < 256; k++) {
      ctx.fillStyle = `rgb(${lut[3 * k]}, ${lut[3 * k + 1]}, ${lut[3 * k + 2]})`;
      ctx.fillRect(x + (k * w) / 256, line, w / 256 + 0.5, 9);
    }
    ctx.strokeStyle = 'rgba(29, 31, 36, 0.55)';
    ctx.strokeRect(x + 0.5, line + 0.5, w - 1, 8);
    ctx.fillStyle = INK;
    line += 11;
    ctx.textAlign = 'left';
    ctx.fillText(lo, x, line);
    ctx.textAlign = 'right';
    ctx.fillText(hi, x + w, line);
    ctx.textAlign = 'center';
    ctx.fillText(`energy · ${COLORMAP_NAME}`, x + w / 2, line);
  } else {
    ctx.textAlign = 'center';
    ctx.fillText(show === 'both' ? `10 energy levels from ${lo} to ${hi}` : 'colour: the memory retrieved', x + w / 2, line);
  }
  line += 15;
  ctx.textAlign = 'center';
  ctx.fillText(`white (no single memory): ${(100 * panel.unlabeledFraction).toFixed(1)} %`, x + w / 2, line);
  ctx.restore();
}

// drawLegend draws every memory's marker and name, and white.
function drawLegend(ctx, L, m) {
  ctx.save();
  ctx.font = `12px ${FONT}`;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  for (let i = 0; i < m; i++) {
    const x = PAD + (i % L.perLine) * LEGEND_ITEM_W;
    const y = L.legendY + Math.floor(i / L.perLine) * LEGEND_LINE_H + 10;
    drawMarker(ctx, i, x + 6, y, 5);
    ctx.fillStyle = INK;
    ctx.fillText(`ξ${subscript(i)}`, x + 15, y);
  }
  const y = L.legendY + Math.ceil(m / L.perLine) * LEGEND_LINE_H + 10;
  ctx.strokeStyle = INK;
  ctx.fillStyle = INK;
  ctx.strokeRect(PAD + 0.5, y - 5.5, 11, 11);
  ctx.fillText('white: no single memory', PAD + 17, y);
  ctx.restore();
}

function text(ctx, s, x, y, weight, px) {
  ctx.font = `${weight} ${px}px ${FONT}`;
  ctx.fillStyle = INK;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  ctx.fillText(s, x, y);
}

function subscript(n) {
  return String(n).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[d]);
}
