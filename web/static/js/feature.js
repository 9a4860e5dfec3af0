/**
 * Overlays of the feature view, where the normalised feature memories u_μ
 * live on the unit circle (SCIENCE.md §4): the circle itself, the closest
 * pair of memories with the angle between them (the quantity U-Hop+ pushes
 * up), and the ghost of the regular M-gon, the best possible code on the
 * circle (every neighbouring pair 360°/M apart), turned so its vertex 0 lies
 * on u_0. The ghost is drawn only when the server's optimum for the
 * scenario is that polygon (D_Φ = 2, state.optimum.dim = 2).
 */

import {isPolygon} from './optimum.js';
import {clipToPlot, labelFont, strokeHalo, textHalo} from './overlays.js';
import {INK} from './palette.js';

/**
 * closestPair finds the two memories with the largest cosine similarity,
 * u_a·u_b/(‖u_a‖‖u_b‖), i.e. the smallest angle; ties go to the first pair in
 * (a, b) order. Points are x₀, y₀, x₁, y₁, …; zero vectors are skipped.
 * @param {Float64Array|number[]} points
 * @param {number} m
 * @returns {{a: number, b: number, angleDeg: number} | null} null when M < 2
 */
export function closestPair(points, m) {
  let best = null;
  let bestCos = -Infinity;
  for (let a = 0; a < m; a++) {
    const ax = points[2 * a];
    const ay = points[2 * a + 1];
    const na = Math.hypot(ax, ay);
    if (!(na > 0)) continue;
    for (let b = a + 1; b < m; b++) {
      const bx = points[2 * b];
      const by = points[2 * b + 1];
      const nb = Math.hypot(bx, by);
      if (!(nb > 0)) continue;
      const c = (ax * bx + ay * by) / (na * nb);
      if (c > bestCos) {
        bestCos = c;
        best = {a, b};
      }
    }
  }
  if (!best) return null;
  best.angleDeg = (Math.acos(Math.min(1, Math.max(-1, bestCos))) * 180) / Math.PI;
  return best;
}

/**
 * drawUnitCircle draws the unit circle, thin and light: the sphere on which
 * normalised memories live.
 * @param {CanvasRenderingContext2D} ctx
 * @param {import('./viewport.js').Viewport} vp
 */
export function drawUnitCircle(ctx, vp) {
  ctx.save();
  clipToPlot(ctx, vp);
  ctx.beginPath();
  ctx.arc(vp.px(0), vp.py(0), vp.scale, 0, 2 * Math.PI);
  ctx.lineWidth = 1;
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.6)';
  ctx.stroke();
  ctx.restore();
}

/**
 * drawFeatureGuides draws, under the markers, the unit circle, the ghost
 * regular M-gon (M ≥ 2 and optimum the 2-D polygon; dashed, with its
 * vertices as small dots) and the closest pair: the rays from the origin
 * to both and the chord joining them.
 * @param {CanvasRenderingContext2D} ctx
 * @param {import('./viewport.js').Viewport} vp
 * @param {Float64Array|null} points u_μ
 * @param {number} m
 * @param {{dim: number}|null} [optimum] the server's state.optimum
 * @returns {{a: number, b: number, angleDeg: number} | null} the closest pair
 */
export function drawFeatureGuides(ctx, vp, points, m, optimum = null) {
  drawUnitCircle(ctx, vp);
  if (!points || m < 2) return null;
  const ox = vp.px(0);
  const oy = vp.py(0);
  const r = vp.scale;
  ctx.save();
  clipToPlot(ctx, vp);
  ctx.lineJoin = 'round';

  // Ghost regular M-gon, vertex 0 on the direction of u_0: only where it
  // is the optimum the server sent.
  if (isPolygon(optimum)) {
    const a0 = Math.atan2(points[1], points[0]);
    const vx = (k) => ox + r * Math.cos(a0 + (2 * Math.PI * k) / m);
    const vy = (k) => oy - r * Math.sin(a0 + (2 * Math.PI * k) / m);
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(vx(0), vy(0));
    for (let k = 1; k <= m; k++) ctx.lineTo(vx(k), vy(k));
    ctx.lineWidth = 1.25;
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.9)';
    ctx.stroke();
    ctx.setLineDash([]);
    for (let k = 0; k < m; k++) {
      ctx.beginPath();
      ctx.arc(vx(k), vy(k), 2.25, 0, 2 * Math.PI);
      ctx.fillStyle = 'rgba(255, 255, 255, 0.95)';
      ctx.fill();
      ctx.lineWidth = 0.75;
      ctx.strokeStyle = 'rgba(29, 31, 36, 0.7)';
      ctx.stroke();
    }
  }

  const pair = closestPair(points, m);
  if (pair) {
    const ax = vp.px(points[2 * pair.a]);
    const ay = vp.py(points[2 * pair.a + 1]);
    const bx = vp.px(points[2 * pair.b]);
    const by = vp.py(points[2 * pair.b + 1]);
    ctx.beginPath();
    ctx.moveTo(ax, ay);
    ctx.lineTo(ox, oy);
    ctx.lineTo(bx, by);
    strokeHalo(ctx, 1, 'rgba(255, 255, 255, 0.9)', 'rgba(29, 31, 36, 0.35)');
    ctx.beginPath();
    ctx.moveTo(ax, ay);
    ctx.lineTo(bx, by);
    ctx.lineCap = 'round';
    ctx.lineWidth = 5.5;
    ctx.strokeStyle = INK;
    ctx.stroke();
    ctx.lineWidth = 3;
    ctx.strokeStyle = '#ffffff';
    ctx.stroke();
  }
  ctx.restore();
  return pair;
}

/**
 * A rectangle in CSS px of a canvas: {x, y, w, h}, (x, y) its top left.
 * @typedef {{x: number, y: number, w: number, h: number}} Rect
 */

/** The clearance kept around the angle's label, px (times the label scale). */
const ANGLE_PAD = 3;
/** What a px of the pair's lines under the label costs, as px² of a marker: the lines are about this wide. */
const LINE_WEIGHT = 6;

/**
 * pairAngleSpot chooses where the closest pair's angle is written: the
 * centre of a w × h label (CSS px) inside the plot, among candidate
 * places: on the pair's bisector inside the circle, just outside the
 * circle past the pair (and that place moved into the plot), the plot's
 * four corners and the middles of its four edges. It takes the one that covers least of the markers (squares
 * of side 2·markerR), of the other labels (avoid: the selected memory's
 * name) and of the pair's lines (the rays from the origin and the chord,
 * LINE_WEIGHT px² per px), with pad px of clearance; of places equally
 * clear, the nearest to the middle of the chord. Everything in CSS px.
 * @param {Rect} plot the plot rectangle (x, y its left and top)
 * @param {{x: number, y: number}} origin the centre of the unit circle
 * @param {number} r the unit circle's radius
 * @param {number[]|Float64Array} pts the markers' centres, x₀, y₀, x₁, y₁, …
 * @param {number} markerR
 * @param {{a: number, b: number}} pair indices into pts
 * @param {number} w the label's width
 * @param {number} h its height
 * @param {{avoid?: Rect[], pad?: number}} [opts]
 * @returns {{x: number, y: number, cost: number}} the label's centre and what it covers
 */
export function pairAngleSpot(plot, origin, r, pts, markerR, pair, w, h, opts = {}) {
  const avoid = opts.avoid || [];
  const pad = opts.pad ?? ANGLE_PAD;
  const ax = pts[2 * pair.a];
  const ay = pts[2 * pair.a + 1];
  const bx = pts[2 * pair.b];
  const by = pts[2 * pair.b + 1];
  // The bisector of the smaller angle between the two directions (screen
  // coordinates); an antipodal pair: any perpendicular.
  let ux = (ax - origin.x) / r + (bx - origin.x) / r;
  let uy = (ay - origin.y) / r + (by - origin.y) / r;
  let n = Math.hypot(ux, uy);
  if (n < 1e-9) {
    ux = -(ay - origin.y);
    uy = ax - origin.x;
    n = Math.hypot(ux, uy) || 1;
  }
  ux /= n;
  uy /= n;
  const half = Math.abs(ux) * (w / 2) + Math.abs(uy) * (h / 2); // the label's extent along the bisector
  const along = (d) => ({x: origin.x + d * ux, y: origin.y + d * uy});
  const x0 = plot.x + pad + w / 2;
  const x1 = plot.x + plot.w - pad - w / 2;
  const y0 = plot.y + pad + h / 2;
  const y1 = plot.y + plot.h - pad - h / 2;
  const xm = plot.x + plot.w / 2;
  const ym = plot.y + plot.h / 2;
  const out = along(r + markerR + pad + half);
  const candidates = [
    along(Math.max(0.45 * r, r - markerR - pad - half)),
    out,
    {x: Math.min(x1, Math.max(x0, out.x)), y: Math.min(y1, Math.max(y0, out.y))},
    {x: x0, y: y0}, {x: x1, y: y0}, {x: x0, y: y1}, {x: x1, y: y1},
    {x: xm, y: y0}, {x: xm, y: y1}, {x: x0, y: ym}, {x: x1, y: ym},
  ];
  const segments = [[origin.x, origin.y, ax, ay], [origin.x, origin.y, bx, by], [ax, ay, bx, by]];
  const mx = (ax + bx) / 2;
  const my = (ay + by) / 2;
  let best = null;
  for (const c of candidates) {
    const box = {x: c.x - w / 2 - pad, y: c.y - h / 2 - pad, w: w + 2 * pad, h: h + 2 * pad};
    // Outside the plot: as costly as covering it all.
    let cost = 4 * (box.w * box.h - overlap(box, plot));
    for (let i = 0; 2 * i + 1 < pts.length; i++) {
      cost += overlap(box, {x: pts[2 * i] - markerR, y: pts[2 * i + 1] - markerR, w: 2 * markerR, h: 2 * markerR});
    }
    for (const o of avoid) cost += overlap(box, o);
    for (const [sx, sy, ex, ey] of segments) cost += LINE_WEIGHT * clippedLength(box, sx, sy, ex, ey);
    const dist = Math.hypot(c.x - mx, c.y - my);
    if (!best || cost < best.cost - 1e-6 || (cost <= best.cost + 1e-6 && dist < best.dist)) best = {x: c.x, y: c.y, cost, dist};
  }
  return {x: best.x, y: best.y, cost: best.cost};
}

/** overlap is the area two rectangles share. */
export function overlap(a, b) {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** clippedLength is the length of the segment (sx, sy)–(ex, ey) inside rectangle box (Liang–Barsky). */
export function clippedLength(box, sx, sy, ex, ey) {
  const dx = ex - sx;
  const dy = ey - sy;
  let t0 = 0;
  let t1 = 1;
  const edges = [[-dx, sx - box.x], [dx, box.x + box.w - sx], [-dy, sy - box.y], [dy, box.y + box.h - sy]];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return 0;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return 0;
  }
  return (t1 - t0) * Math.hypot(dx, dy);
}

/**
 * drawPairAngle writes the closest pair's angle in degrees where it covers
 * least of the markers, the selected memory's name and the pair's lines
 * (pairAngleSpot): beside the pair when there is room, else in a corner
 * or at an edge of the plot. Drawn over the markers.
 * @param {CanvasRenderingContext2D} ctx
 * @param {import('./viewport.js').Viewport} vp
 * @param {Float64Array} points u_μ
 * @param {number} m
 * @param {{a: number, b: number, angleDeg: number}} pair
 * @param {number} [labelScale] of the label (11 px)
 * @param {{markerR?: number, avoid?: Rect[]}} [opts] the markers' radius (CSS px), other labels on the panel
 */
export function drawPairAngle(ctx, vp, points, m, pair, labelScale = 1, opts = {}) {
  const text = `${pair.angleDeg.toFixed(1)}°`;
  ctx.save();
  ctx.font = labelFont(11, labelScale, '600');
  const w = ctx.measureText(text).width;
  const h = 11 * labelScale;
  const pts = new Array(2 * m);
  for (let i = 0; i < m; i++) {
    pts[2 * i] = vp.px(points[2 * i]);
    pts[2 * i + 1] = vp.py(points[2 * i + 1]);
  }
  const plot = {x: vp.left, y: vp.top, w: vp.width, h: vp.height};
  const spot = pairAngleSpot(plot, {x: vp.px(0), y: vp.py(0)}, vp.scale, pts, opts.markerR ?? 6, pair, w, h, {avoid: opts.avoid, pad: ANGLE_PAD * labelScale});
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  textHalo(ctx, text, spot.x, spot.y, '#ffffff', INK);
  ctx.restore();
}
