// optimum.js: the reference the page draws for the minimum angle, from the
// `optimum` member of the server's state message (docs/protocol.md), which
// is the GET /api/v1/spherical-codes entry for the scenario's (D_Φ, M): the
// best known angle where one is known, or else the band of Prop. 3.1's
// bounds on Δ_min converted to degrees. Pure functions, no DOM.

/**
 * deltaToDeg converts a separation Δ = 1 − cos θ into the angle θ in
 * degrees, θ = 2·asin(√(Δ/2)), with Δ clamped to [0, 2] (Prop. 3.1's upper
 * bound can exceed 2, the separation of an antipodal pair: it then says
 * nothing, and maps to 180°).
 * @param {number|null|undefined} delta
 * @returns {number|null} null when delta is not a number
 */
export function deltaToDeg(delta) {
  if (typeof delta !== 'number' || Number.isNaN(delta)) return null;
  const d = Math.min(2, Math.max(0, delta));
  return (2 * Math.asin(Math.sqrt(d / 2)) * 180) / Math.PI;
}

/**
 * referenceAngles returns the lines to draw, in degrees: best, the best
 * known angle (optimum.angleDeg), when the server knows one; otherwise
 * lower and upper, Prop. 3.1's bounds. The others are null; all are null
 * without an optimum (M < 2).
 * @param {{angleDeg: number|null, prop31?: {lower: number|null, upper: number|null}}|null|undefined} optimum
 * @returns {{best: number|null, lower: number|null, upper: number|null}}
 */
export function referenceAngles(optimum) {
  const none = {best: null, lower: null, upper: null};
  if (!optimum || typeof optimum !== 'object') return none;
  if (typeof optimum.angleDeg === 'number' && Number.isFinite(optimum.angleDeg)) return {...none, best: optimum.angleDeg};
  const b = optimum.prop31;
  if (!b || typeof b !== 'object') return none;
  return {best: null, lower: deltaToDeg(b.lower), upper: deltaToDeg(b.upper)};
}

/**
 * isPolygon reports whether optimum is the regular polygon of the circle
 * (D_Φ = 2), the code whose ghost the feature view draws.
 * @param {{dim: number}|null|undefined} optimum
 * @returns {boolean}
 */
export function isPolygon(optimum) {
  return Boolean(optimum) && optimum.dim === 2;
}
