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
 * drawPairAngle writes the closest pair's angle in degrees inside the circle
 * on the bisector of the pair, clear of the markers on the circle. Drawn
 * over the markers.
 * @param {CanvasRenderingContext2D} ctx
 * @param {import('./viewport.js').Viewport} vp
 * @param {Float64Array} points
 * @param {{a: number, b: number, angleDeg: number}} pair
 * @param {number} [labelScale] of the label (11 px)
 */
export function drawPairAngle(ctx, vp, points, pair, labelScale = 1) {
  const ta = Math.atan2(points[2 * pair.a + 1], points[2 * pair.a]);
  const tb = Math.atan2(points[2 * pair.b + 1], points[2 * pair.b]);
  // The bisector of the smaller angle between the two directions.
  let bis = Math.atan2(Math.sin(ta) + Math.sin(tb), Math.cos(ta) + Math.cos(tb));
  if (Math.abs(Math.cos(ta) + Math.cos(tb)) + Math.abs(Math.sin(ta) + Math.sin(tb)) < 1e-9) {
    bis = ta + Math.PI / 2; // antipodal pair: any perpendicular
  }
  const r = vp.scale;
  const d = Math.max(0.45 * r, r - 30 * labelScale);
  const x = vp.px(0) + d * Math.cos(bis);
  const y = vp.py(0) - d * Math.sin(bis);
  ctx.save();
  ctx.font = labelFont(11, labelScale, '600');
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  textHalo(ctx, `${pair.angleDeg.toFixed(1)}°`, x, y, '#ffffff', INK);
  ctx.restore();
}
