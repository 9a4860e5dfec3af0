/**
 * Vector overlays common to both spaces: axes, the hover crosshair and a
 * probe's retrieval path. All draw in CSS pixels through a Viewport and leave
 * the context state as they found it.
 */

import {INK, MEMORY_COLORS, UNLABELED_COLOR} from './palette.js';
import {formatNumber, niceTicks} from './viewport.js';

const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif';
const LABEL_PX = 10; // the base size of the labels drawn on a panel

/**
 * panelLabelScale is the scale of the labels drawn on a panel: 1 in the
 * normal mode; where the canvas's CSS sets --panel-label-rem (presentation
 * mode), the base 10 px labels become that many root ems (rootPx the root
 * font size), so they grow with the page's own text; never below 1.
 * @param {string} rems the custom property's value ('' when unset)
 * @param {number} rootPx
 */
export function panelLabelScale(rems, rootPx) {
  const r = parseFloat(rems);
  if (!(r > 0) || !(rootPx > 0)) return 1;
  return Math.max(1, (r * rootPx) / LABEL_PX);
}

/**
 * labelFont is the CSS font of a label drawn on a panel: base px (the
 * normal mode's size) times labelScale (PanelView.labelScale: 1, or in
 * presentation mode the root font size over 10 px), in weight.
 * @param {number} base
 * @param {number} [labelScale]
 * @param {string} [weight] e.g. '600'
 */
export function labelFont(base, labelScale = 1, weight = '') {
  const px = Math.round(base * labelScale * 100) / 100;
  return `${weight ? weight + ' ' : ''}${px}px ${FONT_FAMILY}`;
}
const SHADE = 'rgba(29, 31, 36, 0.6)';

/**
 * strokeHalo strokes the current path twice: a wide dark shade, then a
 * narrower light line, so it shows on both ends of the colour map.
 */
export function strokeHalo(ctx, width, color = 'rgba(255, 255, 255, 0.95)', shade = SHADE) {
  ctx.lineWidth = width + 2;
  ctx.strokeStyle = shade;
  ctx.stroke();
  ctx.lineWidth = width;
  ctx.strokeStyle = color;
  ctx.stroke();
}

/**
 * textHalo writes text in color with a contrasting outline.
 */
export function textHalo(ctx, text, x, y, color = '#ffffff', outline = SHADE) {
  ctx.lineJoin = 'round';
  ctx.lineWidth = 3;
  ctx.strokeStyle = outline;
  ctx.strokeText(text, x, y);
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
}

/** clipToPlot restricts drawing to the plot rectangle (call inside save/restore). */
export function clipToPlot(ctx, vp) {
  ctx.beginPath();
  ctx.rect(vp.left, vp.top, vp.width, vp.height);
  ctx.clip();
}

/**
 * labelStride is how many ticks apart the labels of a row of ticks
 * spacing px apart are written so that none touches the next (at least gap
 * px between them): 1 when all fit.
 * @param {number[]} widths of the labels, px
 * @param {number} spacing between neighbouring ticks, px
 * @param {number} gap
 */
export function labelStride(widths, spacing, gap) {
  const w = Math.max(0, ...widths);
  if (!(spacing > 0) || !Number.isFinite(spacing)) return 1;
  return Math.max(1, Math.ceil((w + gap) / spacing));
}

/**
 * drawAxes draws the plot's frame and round tick values of the box, in
 * labelColor (the gutters are the page background, not the heatmap).
 * @param {CanvasRenderingContext2D} ctx
 * @param {import('./viewport.js').Viewport} vp
 * @param {string} labelColor
 * @param {number} [scale] of the tick labels (10 px) and ticks, as of the viewport's gutters (labelScale)
 */
export function drawAxes(ctx, vp, labelColor, scale = 1) {
  const {left, top, width, height, box} = vp;
  const bottom = top + height;
  ctx.save();
  ctx.strokeStyle = labelColor;
  ctx.fillStyle = labelColor;
  ctx.lineWidth = 1;
  ctx.globalAlpha = 0.75;
  ctx.strokeRect(left - 0.5, top - 0.5, width + 1, height + 1);
  ctx.globalAlpha = 1;
  ctx.font = labelFont(LABEL_PX, scale);

  const xs = niceTicks(box.xmin, box.xmax, Math.max(3, Math.floor(width / (60 * scale))));
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  // Every tick is marked; where the labels would touch (large labels on a
  // narrow panel), only every every-th is written.
  const every = labelStride(xs.values.map((v) => ctx.measureText(formatNumber(v, xs.decimals)).width), xs.values.length > 1 ? Math.abs(vp.px(xs.values[1]) - vp.px(xs.values[0])) : Infinity, 4 * scale);
  ctx.beginPath();
  xs.values.forEach((v, k) => {
    const x = Math.round(vp.px(v)) + 0.5;
    ctx.moveTo(x, bottom + 0.5);
    ctx.lineTo(x, bottom + 4 * scale);
    if (k % every === 0) ctx.fillText(formatNumber(v, xs.decimals), x, bottom + 6 * scale);
  });
  const ys = niceTicks(box.ymin, box.ymax, Math.max(3, Math.floor(height / (60 * scale))));
  for (const v of ys.values) {
    const y = Math.round(vp.py(v)) + 0.5;
    ctx.moveTo(left - 0.5, y);
    ctx.lineTo(left - 4 * scale, y);
  }
  ctx.stroke();
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const v of ys.values) {
    ctx.fillText(formatNumber(v, ys.decimals), left - 6 * scale, Math.round(vp.py(v)) + 0.5);
  }
  ctx.restore();
}

/**
 * drawCrosshair draws dashed lines across the plot through world point
 * (x, y) and a small ring on it.
 */
export function drawCrosshair(ctx, vp, x, y) {
  const cx = vp.px(x);
  const cy = vp.py(y);
  ctx.save();
  clipToPlot(ctx, vp);
  ctx.setLineDash([4, 4]);
  ctx.beginPath();
  ctx.moveTo(vp.left, cy);
  ctx.lineTo(vp.left + vp.width, cy);
  ctx.moveTo(cx, vp.top);
  ctx.lineTo(cx, vp.top + vp.height);
  strokeHalo(ctx, 1, 'rgba(255, 255, 255, 0.85)', 'rgba(29, 31, 36, 0.35)');
  ctx.setLineDash([]);
  ctx.beginPath();
  ctx.arc(cx, cy, 3.5, 0, 2 * Math.PI);
  strokeHalo(ctx, 1.25);
  ctx.restore();
}

/**
 * drawProbePath draws one separation's retrieval path of a probe
 * (docs/protocol.md, "probe"): the query (a ring), each update (a small
 * numbered dot, number below right; numbers are left out where they would
 * crowd), and the end (a ring in the colour of the memory it is labelled with,
 * white for none).
 * @param {CanvasRenderingContext2D} ctx
 * @param {import('./viewport.js').Viewport} vp
 * @param {{points: number[][], label: number}} path
 * @param {number} [labelScale] of the step numbers (10 px)
 */
export function drawProbePath(ctx, vp, path, labelScale = 1) {
  const pts = path && path.points;
  if (!Array.isArray(pts) || pts.length === 0) return;
  const xs = pts.map((p) => vp.px(p[0]));
  const ys = pts.map((p) => vp.py(p[1]));
  const n = pts.length;
  ctx.save();
  clipToPlot(ctx, vp);
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';

  ctx.beginPath();
  ctx.moveTo(xs[0], ys[0]);
  for (let k = 1; k < n; k++) ctx.lineTo(xs[k], ys[k]);
  strokeHalo(ctx, 1.75);

  for (let k = 1; k < n; k++) {
    ctx.beginPath();
    ctx.arc(xs[k], ys[k], 2.5, 0, 2 * Math.PI);
    ctx.fillStyle = '#ffffff';
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = INK;
    ctx.stroke();
  }

  // Start: a ring around the query.
  ctx.beginPath();
  ctx.arc(xs[0], ys[0], 5.5, 0, 2 * Math.PI);
  strokeHalo(ctx, 2, '#ffffff', INK);

  // End: a ring in the label's colour.
  const label = Number.isInteger(path.label) ? path.label : -1;
  const endColor = label >= 0 ? MEMORY_COLORS[label % MEMORY_COLORS.length] : UNLABELED_COLOR;
  ctx.beginPath();
  ctx.arc(xs[n - 1], ys[n - 1], 12.5, 0, 2 * Math.PI);
  ctx.lineWidth = 4.5;
  ctx.strokeStyle = INK;
  ctx.stroke();
  ctx.lineWidth = 2.5;
  ctx.strokeStyle = endColor;
  ctx.stroke();

  // Step numbers, skipping those within 16 px (at 10 px) of the last one written.
  ctx.font = labelFont(LABEL_PX, labelScale);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  let lx = xs[0];
  let ly = ys[0];
  for (let k = 1; k < n; k++) {
    if (Math.hypot(xs[k] - lx, ys[k] - ly) < 16 * labelScale) continue;
    textHalo(ctx, String(k), xs[k] + 4 * labelScale, ys[k] + 3 * labelScale, '#ffffff', INK);
    lx = xs[k];
    ly = ys[k];
  }
  ctx.restore();
}
