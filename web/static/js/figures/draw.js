// draw.js: how the figures are painted, on the page's canvases and on the
// exported picture alike. The rasters fill ImageData-like objects ({width,
// height, data}) and are pure, so node --test checks them; the rest draws
// on a 2-D context in CSS pixels under whatever scale the context has.

import {memoryRGB, drawMarker, UNDEFINED_RGB, INK} from '../palette.js';
import {bandColors} from './colormaps.js';
import {bandOf, finiteRange, logTicks, niceLevels, tickLabels} from './levels.js';

/** FONT is the family of every text drawn on a canvas. */
export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif';

/**
 * energyScales returns the colour scale of every panel of a subfigure of
 * Figure 1 in a drawing mode: as published, each panel its own levels
 * (MaxNLocator's, over its own range); corrected, one set of levels per
 * row, over the range of its three panels. scales[r][k] = {levels,
 * colors, step}.
 * @param {object} g a subfigure of energyModel
 * @param {'published'|'corrected'} mode
 */
export function energyScales(g, mode) {
  const scale = (range) => {
    const levels = range ? niceLevels(range[0], range[1]) : [0, 1];
    return {levels, colors: bandColors(mode, levels.length - 1), step: levels[1] - levels[0]};
  };
  return g.rows.map((row) => {
    if (mode === 'published') return row.panels.map((p) => scale(finiteRange(p.published)));
    const s = scale(finiteRange(...row.panels.map((p) => p.corrected)));
    return row.panels.map(() => s);
  });
}

/**
 * rasterEnergy fills img with a panel's energy as filled bands: the grid
 * (row.nx × row.ny values over row.xs × row.ys) interpolated bilinearly
 * at every pixel's centre, each band in its colour, as contourf fills the
 * regions between its levels. Pixel row 0 is the top (the largest y).
 * Cells that are not numbers are painted in the undefined colour.
 * @param {{width: number, height: number, data: Uint8ClampedArray}} img
 * @param {{nx: number, ny: number}} row
 * @param {ArrayLike<number>} values row-major energies
 * @param {{levels: number[], colors: number[][]}} scale
 */
export function rasterEnergy(img, row, values, scale) {
  const {width: w, height: h, data} = img;
  const {nx, ny} = row;
  for (let py = 0; py < h; py++) {
    const gy = (ny - 1) * (1 - (py + 0.5) / h);
    const i0 = Math.min(ny - 2, Math.floor(gy));
    const fy = gy - i0;
    for (let px = 0; px < w; px++) {
      const gx = ((nx - 1) * (px + 0.5)) / w;
      const j0 = Math.min(nx - 2, Math.floor(gx));
      const fx = gx - j0;
      const k = i0 * nx + j0;
      const v = (1 - fy) * ((1 - fx) * values[k] + fx * values[k + 1]) + fy * ((1 - fx) * values[k + nx] + fx * values[k + nx + 1]);
      const band = bandOf(scale.levels, v);
      const c = band < 0 ? UNDEFINED_RGB : scale.colors[band];
      const o = 4 * (py * w + px);
      data[o] = c[0];
      data[o + 1] = c[1];
      data[o + 2] = c[2];
      data[o + 3] = 255;
    }
  }
}

/**
 * rasterBasins fills img with a panel's basins: every pixel takes the
 * label of the nearest grid point (cells centred on the grid points, as
 * pcolormesh draws them), in its memory's colour, white for −1 and the
 * undefined colour for −2.
 * @param {{width: number, height: number, data: Uint8ClampedArray}} img
 * @param {{nx: number, ny: number}} row
 * @param {ArrayLike<number>} labels row-major
 */
export function rasterBasins(img, row, labels) {
  const {width: w, height: h, data} = img;
  const {nx, ny} = row;
  const colors = new Map();
  const colorOf = (l) => {
    if (!colors.has(l)) colors.set(l, l === -2 ? UNDEFINED_RGB : memoryRGB(l));
    return colors.get(l);
  };
  for (let py = 0; py < h; py++) {
    const i = Math.round((ny - 1) * (1 - (py + 0.5) / h));
    for (let px = 0; px < w; px++) {
      const j = Math.round(((nx - 1) * (px + 0.5)) / w);
      const c = colorOf(labels[i * nx + j]);
      const o = 4 * (py * w + px);
      data[o] = c[0];
      data[o + 1] = c[1];
      data[o + 2] = c[2];
      data[o + 3] = 255;
    }
  }
}

/**
 * paintRaster draws a raster over the rectangle (x, y, w, h) of ctx, at
 * the resolution of ctx's scale, filling it with fill(img).
 * @param {CanvasRenderingContext2D} ctx
 * @param {(img: ImageData) => void} fill
 */
export function paintRaster(ctx, x, y, w, h, fill) {
  const s = ctx.getTransform().a || 1;
  const pw = Math.max(1, Math.round(w * s));
  const ph = Math.max(1, Math.round(h * s));
  const off = document.createElement('canvas');
  off.width = pw;
  off.height = ph;
  const octx = off.getContext('2d');
  const img = octx.createImageData(pw, ph);
  fill(img);
  octx.putImageData(img, 0, 0);
  ctx.save();
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(off, x, y, w, h);
  ctx.restore();
}

/**
 * toBox maps a row's data coordinates to the rectangle (x, y, w, h): the
 * grid's extent fills it, y up.
 */
export function toBox(row, x, y, w, h) {
  const x0 = row.xs[0];
  const x1 = row.xs[row.nx - 1];
  const y0 = row.ys[0];
  const y1 = row.ys[row.ny - 1];
  return (px, py) => [x + ((px - x0) / (x1 - x0)) * w, y + ((y1 - py) / (y1 - y0)) * h];
}

/**
 * drawEnergyPanel paints one panel of Figure 1 in (x, y, w, h): its bands
 * and the memories as white squares with a dark edge, as the paper marks
 * them.
 */
export function drawEnergyPanel(ctx, x, y, w, h, row, values, scale) {
  paintRaster(ctx, x, y, w, h, (img) => rasterEnergy(img, row, values, scale));
  const at = toBox(row, x, y, w, h);
  const r = Math.max(3, Math.min(6, w / 40));
  ctx.save();
  ctx.lineWidth = 1.25;
  ctx.strokeStyle = INK;
  ctx.fillStyle = '#ffffff';
  for (const p of row.points) {
    const [px, py] = at(p[0], p[1]);
    ctx.fillRect(px - r, py - r, 2 * r, 2 * r);
    ctx.strokeRect(px - r, py - r, 2 * r, 2 * r);
  }
  ctx.restore();
  frame(ctx, x, y, w, h);
}

/**
 * drawBasinsPanel paints one panel of the basins figure in (x, y, w, h):
 * the basins and each memory's marker in its colour and shape.
 */
export function drawBasinsPanel(ctx, x, y, w, h, row, labels) {
  paintRaster(ctx, x, y, w, h, (img) => rasterBasins(img, row, labels));
  const at = toBox(row, x, y, w, h);
  const r = Math.max(3.5, Math.min(6, w / 38));
  row.points.forEach((p, i) => {
    const [px, py] = at(p[0], p[1]);
    drawMarker(ctx, i, px, py, r);
  });
  frame(ctx, x, y, w, h);
}

function frame(ctx, x, y, w, h) {
  ctx.save();
  ctx.strokeStyle = 'rgba(29, 31, 36, 0.55)';
  ctx.lineWidth = 1;
  ctx.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
  ctx.restore();
}

/**
 * verticalBarTicks lays out the labels of a vertical colour bar of n bands
 * and height h (px), written fontPx high: the levels k = 0 (bottom) and
 * k = n (top) always, and between them every so many levels, each label
 * centred on its tick (y = h − k·h/n from the top) but kept inside the bar
 * (the end labels are pulled in by half a line). A label between the ends
 * closer than one line (1.25·fontPx) to the one below it or to the top
 * label is dropped, so no two labels touch.
 * @returns {{k: number, tick: number, label: number}[]} from the bottom up:
 *   the level, its tick's y and its label's centre y, from the bar's top
 */
export function verticalBarTicks(n, h, fontPx) {
  const line = 1.25 * fontPx;
  const every = Math.max(1, Math.ceil((fontPx * 1.4 * n) / h));
  const tickAt = (k) => h - (k * h) / n;
  const labelAt = (k) => Math.min(h - fontPx / 2, Math.max(fontPx / 2, tickAt(k)));
  const ticks = [{k: 0, tick: tickAt(0), label: labelAt(0)}];
  const top = labelAt(n);
  for (let k = every; k < n; k += every) {
    const label = labelAt(k);
    if (ticks[ticks.length - 1].label - label >= line && label - top >= line) ticks.push({k, tick: tickAt(k), label});
  }
  if (n > 0) ticks.push({k: n, tick: tickAt(n), label: top});
  return ticks;
}

/**
 * drawColorBar paints a banded colour bar in (x, y, w, h), vertical (low
 * at the bottom, ticks to the right) or horizontal (low at the left, ticks
 * below), with the levels written at the ends and, when there is room,
 * between them. The rectangle holds the ticks too.
 * @param {{levels: number[], colors: number[][], step: number}} scale
 * @param {'vertical'|'horizontal'} orient
 */
export function drawColorBar(ctx, x, y, w, h, scale, orient, fontPx = 11) {
  const {levels, colors, step} = scale;
  const n = colors.length;
  ctx.save();
  ctx.font = `${fontPx}px ${FONT}`;
  ctx.fillStyle = INK;
  ctx.strokeStyle = 'rgba(29, 31, 36, 0.55)';
  ctx.lineWidth = 1;
  if (orient === 'vertical') {
    const bw = Math.min(12, w * 0.3);
    for (let k = 0; k < n; k++) {
      ctx.fillStyle = rgb(colors[k]);
      const y0 = y + h - ((k + 1) * h) / n;
      ctx.fillRect(x, y0, bw, h / n + 0.5);
    }
    ctx.strokeRect(x + 0.5, y + 0.5, bw - 1, h - 1);
    ctx.fillStyle = INK;
    ctx.textBaseline = 'middle';
    const ticks = verticalBarTicks(n, h, fontPx);
    const labels = tickLabels(levels, step, ticks.map((t) => t.k));
    ticks.forEach((t, i) => {
      ctx.fillRect(x + bw, y + t.tick - 0.5, 3, 1);
      ctx.fillText(labels[i], x + bw + 5, y + t.label);
    });
  } else {
    const bh = Math.min(8, h * 0.4);
    for (let k = 0; k < n; k++) {
      ctx.fillStyle = rgb(colors[k]);
      ctx.fillRect(x + (k * w) / n, y, w / n + 0.5, bh);
    }
    ctx.strokeRect(x + 0.5, y + 0.5, w - 1, bh - 1);
    ctx.fillStyle = INK;
    ctx.textBaseline = 'top';
    // The ends, and the middle level when there is room for it; all
    // with the decimals of those written.
    const mid = Math.floor(n / 2);
    let [lo, hi] = tickLabels(levels, step, [0, n]);
    let midText = null;
    if (n >= 2) {
      const three = tickLabels(levels, step, [0, mid, n]);
      const need = ctx.measureText(three[0]).width + ctx.measureText(three[2]).width + ctx.measureText(three[1]).width + 2 * fontPx;
      if (w > need && x + (mid * w) / n - ctx.measureText(three[1]).width / 2 > x + ctx.measureText(three[0]).width + fontPx) {
        [lo, midText, hi] = three;
      }
    }
    ctx.textAlign = 'left';
    ctx.fillText(lo, x, y + bh + 2);
    ctx.textAlign = 'right';
    ctx.fillText(hi, x + w, y + bh + 2);
    if (midText !== null) {
      ctx.textAlign = 'center';
      ctx.fillText(midText, x + (mid * w) / n, y + bh + 2);
    }
  }
  ctx.restore();
}

function rgb(c) {
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** The colours of the Prop. 3.1 chart's series (Okabe–Ito, as the palette). */
export const PROP31_COLORS = Object.freeze({upper: '#d55e00', lower: '#0072b2', code: INK});

/**
 * prop31Axes returns the chart's ranges: M from 0 to the last M plus a
 * margin, Δmin on a log scale from below the lowest lower bound to above
 * the highest upper bound, at whole or half decades.
 * @param {object} model prop31Model
 */
export function prop31Axes(model) {
  const p = model.plotted;
  const lo = Math.min(...p.map((r) => r.lower));
  const hi = Math.max(...p.map((r) => r.upper));
  return {xmin: 0, xmax: Math.ceil((p[p.length - 1].m + 5) / 10) * 10, ymin: 10 ** (Math.floor(2 * Math.log10(lo)) / 2), ymax: 10 ** (Math.ceil(2 * Math.log10(hi)) / 2)};
}

/** The items of the Prop. 3.1 chart's legend: text, colour, dash, whether a dot is drawn on the line. */
const PROP31_LEGEND = [
  ['upper bound (Prop. 3.1)', PROP31_COLORS.upper, [7, 4], false],
  ['best known Δmin: ● proven, ○ best known', PROP31_COLORS.code, [], true],
  ['lower bound (Prop. 3.1)', PROP31_COLORS.lower, [2, 3], false],
];

/**
 * prop31Layout lays the Prop. 3.1 chart out in (x, y, w, h): the plot's
 * box, its data-to-pixel maps X and Y, the radius of the dots, and the
 * legend. The legend goes in the plot's top right corner when nothing
 * drawn there would be covered (a dot, or a segment of a curve), and
 * below the plot otherwise, its items flowing in lines as wide as the
 * chart. Pure; measure(text) is the width of a text in the chart's font.
 * @param {object} model prop31Model
 * @param {(text: string) => number} measure
 * @returns {{left: number, right: number, top: number, bottom: number,
 *   X: (m: number) => number, Y: (v: number) => number, rad: number,
 *   legend: {inside: boolean, box: {x: number, y: number, w: number, h: number},
 *     items: {text: string, color: string, dash: number[], dot: boolean, x: number, y: number}[]}}}
 */
export function prop31Layout(model, x, y, w, h, fontPx, measure) {
  const ax = prop31Axes(model);
  // Room on the left for the axis title (rotated) and the widest tick.
  const ticks = Math.max(...logTicks(ax.ymin, ax.ymax).map((t) => measure(tickText(t.value))));
  const left = x + fontPx * 1.6 + ticks + 8;
  const right = x + w - fontPx;
  const top = y + fontPx;
  const rad = Math.max(2.5, fontPx * 0.26);
  const lh = fontPx * 1.5;
  const swatch = fontPx * 3; // the line sample and the gap after it
  const maps = (bottom) => ({
    X: (m) => left + ((m - ax.xmin) / (ax.xmax - ax.xmin)) * (right - left),
    Y: (v) => bottom - ((Math.log10(v) - Math.log10(ax.ymin)) / (Math.log10(ax.ymax) - Math.log10(ax.ymin))) * (bottom - top),
  });
  const item = ([text, color, dash, dot]) => ({text, color, dash, dot});

  // Inside, top right: a box of one item per line.
  const bottom = y + h - fontPx * 3.2;
  const {X, Y} = maps(bottom);
  const lw = Math.max(...PROP31_LEGEND.map(([t]) => measure(t))) + swatch + fontPx * 0.6;
  const inBox = {x: right - lw - fontPx * 0.6, y: top + fontPx * 0.6, w: lw, h: lh * PROP31_LEGEND.length + fontPx * 0.6};
  if (inBox.x > left && !coversData(model, X, Y, rad, inBox)) {
    const items = PROP31_LEGEND.map((it, i) => ({...item(it), x: inBox.x + fontPx * 0.6, y: inBox.y + fontPx * 0.3 + lh * (i + 0.5)}));
    return {left, right, top, bottom, X, Y, rad, legend: {inside: true, box: inBox, items}};
  }

  // Below: the items flow in lines under the axis title, the plot shrinks.
  const items = [];
  let line = 0;
  let cx = left;
  for (const it of PROP31_LEGEND) {
    const iw = swatch + measure(it[0]);
    if (cx > left && cx + iw > x + w) {
      line++;
      cx = left;
    }
    items.push({...item(it), x: cx, y: line});
    cx += iw + fontPx * 1.5;
  }
  const lines = line + 1;
  const boxH = lines * lh;
  const below = y + h - boxH;
  const plotBottom = below - fontPx * 3.4;
  for (const it of items) it.y = below + lh * (it.y + 0.5);
  const m = maps(plotBottom);
  return {left, right, top, bottom: plotBottom, X: m.X, Y: m.Y, rad, legend: {inside: false, box: {x: left, y: below, w: x + w - left, h: boxH}, items}};
}

/**
 * coversData says whether the rectangle box covers something the Prop. 3.1
 * chart draws in its plot: a dot (with its radius) or a piece of a curve.
 */
export function coversData(model, X, Y, rad, box) {
  const x0 = box.x - rad;
  const x1 = box.x + box.w + rad;
  const y0 = box.y - rad;
  const y1 = box.y + box.h + rad;
  const p = model.plotted;
  for (const key of ['upper', 'lower', 'deltaMin']) {
    for (let i = 0; i < p.length; i++) {
      const ax = X(p[i].m);
      const ay = Y(p[i][key]);
      if (ax >= x0 && ax <= x1 && ay >= y0 && ay <= y1) return true;
      if (i && segmentMeetsRect(X(p[i - 1].m), Y(p[i - 1][key]), ax, ay, x0, y0, x1, y1)) return true;
    }
  }
  return false;
}

// segmentMeetsRect: does the segment (ax, ay)–(bx, by) meet the rectangle
// [x0, x1] × [y0, y1]? (Liang–Barsky clipping.)
function segmentMeetsRect(ax, ay, bx, by, x0, y0, x1, y1) {
  let t0 = 0;
  let t1 = 1;
  const dx = bx - ax;
  const dy = by - ay;
  for (const [pp, q] of [[-dx, ax - x0], [dx, x1 - ax], [-dy, ay - y0], [dy, y1 - ay]]) {
    if (pp === 0) {
      if (q < 0) return false;
      continue;
    }
    const r = q / pp;
    if (pp < 0) t0 = Math.max(t0, r);
    else t1 = Math.min(t1, r);
    if (t0 > t1) return false;
  }
  return true;
}

/**
 * drawProp31Chart draws the Prop. 3.1 figure in (x, y, w, h): Δmin of the
 * best known codes against M (dots: filled proven, open best known) with
 * Prop. 3.1's upper and lower bounds, y on a log scale, axes, ticks, titles
 * and a legend where it covers nothing (prop31Layout).
 */
export function drawProp31Chart(ctx, x, y, w, h, model, fontPx = 12) {
  const ax = prop31Axes(model);
  ctx.save();
  ctx.font = `${fontPx}px ${FONT}`;
  const lay = prop31Layout(model, x, y, w, h, fontPx, (t) => ctx.measureText(t).width);
  const {left, right, top, bottom, X, Y, rad} = lay;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(x, y, w, h);
  // Grid and ticks.
  ctx.strokeStyle = '#e3e6eb';
  ctx.fillStyle = INK;
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of logTicks(ax.ymin, ax.ymax)) {
    const ty = Math.round(Y(t.value)) + 0.5;
    ctx.strokeStyle = t.major ? '#d5d9e0' : '#eceef2';
    line(ctx, left, ty, right, ty);
    ctx.fillText(tickText(t.value), left - 6, ty);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (let m = ax.xmin; m <= ax.xmax; m += ax.xmax > 60 ? 20 : 10) {
    const tx = Math.round(X(m)) + 0.5;
    ctx.strokeStyle = '#eceef2';
    line(ctx, tx, top, tx, bottom);
    ctx.fillText(String(m), tx, bottom + 5);
  }
  ctx.strokeStyle = INK;
  ctx.strokeRect(left + 0.5, top + 0.5, right - left - 1, bottom - top - 1);
  ctx.fillText('M, the number of points on the sphere', (left + right) / 2, bottom + fontPx * 1.6);
  ctx.save();
  ctx.translate(x + fontPx * 0.9, (top + bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText('Δmin (log scale)', 0, 0);
  ctx.restore();
  // Series.
  const p = model.plotted;
  const series = (key, color, dash) => {
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.setLineDash(dash);
    ctx.beginPath();
    p.forEach((r, i) => (i ? ctx.lineTo(X(r.m), Y(r[key])) : ctx.moveTo(X(r.m), Y(r[key]))));
    ctx.stroke();
    ctx.setLineDash([]);
  };
  series('upper', PROP31_COLORS.upper, [7, 4]);
  series('lower', PROP31_COLORS.lower, [2, 3]);
  series('deltaMin', PROP31_COLORS.code, []);
  for (const r of p) {
    ctx.beginPath();
    ctx.arc(X(r.m), Y(r.deltaMin), rad, 0, 2 * Math.PI);
    ctx.fillStyle = r.proven ? PROP31_COLORS.code : '#ffffff';
    ctx.fill();
    ctx.lineWidth = 1.25;
    ctx.strokeStyle = PROP31_COLORS.code;
    ctx.stroke();
  }
  // Legend: in its box inside the plot, or in lines below it.
  const lg = lay.legend;
  if (lg.inside) {
    ctx.fillStyle = 'rgba(255, 255, 255, 0.92)';
    ctx.fillRect(lg.box.x, lg.box.y, lg.box.w, lg.box.h);
    ctx.strokeStyle = '#d5d9e0';
    ctx.lineWidth = 1;
    ctx.strokeRect(lg.box.x + 0.5, lg.box.y + 0.5, lg.box.w - 1, lg.box.h - 1);
  }
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  for (const it of lg.items) {
    ctx.strokeStyle = it.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(it.dash);
    line(ctx, it.x, it.y, it.x + fontPx * 2, it.y);
    ctx.setLineDash([]);
    if (it.dot) {
      ctx.beginPath();
      ctx.arc(it.x + fontPx, it.y, rad, 0, 2 * Math.PI);
      ctx.fillStyle = it.color;
      ctx.fill();
    }
    ctx.fillStyle = INK;
    ctx.fillText(it.text, it.x + fontPx * 2.4, it.y);
  }
  ctx.restore();
}

function line(ctx, x0, y0, x1, y1) {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}

function tickText(v) {
  return v >= 1 ? String(v) : String(Number(v.toPrecision(3)));
}
