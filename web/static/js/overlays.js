/**
 * Vector overlays common to both spaces: axes, the hover crosshair and a
 * probe's retrieval path. All draw in CSS pixels through a Viewport and leave
 * the context state as they found it.
 */

import {INK, MEMORY_COLORS, UNLABELED_COLOR} from './palette.js';
import {formatNumber, niceTicks} from './viewport.js';

const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif';
const FONT = `10px ${FONT_FAMILY}`;
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
 * drawAxes draws the plot's frame and round tick values of the box, in
 * labelColor (the gutters are the page background, not the heatmap).
 * @param {CanvasRenderingContext2D} ctx
 * @param {import('./viewport.js').Viewport} vp
 * @param {string} labelColor
 * @param {number} [scale] of the tick labels (10 px) and ticks, as of the viewport's gutters
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
  ctx.font = scale === 1 ? FONT : `${10 * scale}px ${FONT_FAMILY}`;

  const xs = niceTicks(box.xmin, box.xmax, Math.max(3, Math.floor(width / (60 * scale))));
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.beginPath();
  for (const v of xs.values) {
    const x = Math.round(vp.px(v)) + 0.5;
    ctx.moveTo(x, bottom + 0.5);
    ctx.lineTo(x, bottom + 4 * scale);
    ctx.fillText(formatNumber(v, xs.decimals), x, bottom + 6 * scale);
  }
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
 */
export function drawProbePath(ctx, vp, path) {
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

  // Step numbers, skipping those within 16 px of the last one written.
  ctx.font = FONT;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  let lx = xs[0];
  let ly = ys[0];
  for (let k = 1; k < n; k++) {
    if (Math.hypot(xs[k] - lx, ys[k] - ly) < 16) continue;
    textHalo(ctx, String(k), xs[k] + 4, ys[k] + 3, '#ffffff', INK);
    lx = xs[k];
    ly = ys[k];
  }
  ctx.restore();
}
