// chartmath.js: the pure parts of the charts: tick labels, and the optimum
// drawn beside the minimum angle. No DOM; tested with node --test.

/**
 * chartTicks writes axis ticks with the fewest decimals that show every
 * tick exactly (at most 8): 0, 25, 50 or 0.2395, 0.2400, 0.2405. "-0" is
 * written "0".
 * @param {(number|null)[]} splits
 * @returns {string[]}
 */
export function chartTicks(splits) {
  const vals = splits.filter((v) => v != null && Number.isFinite(v));
  let step = Infinity;
  for (let i = 1; i < vals.length; i++) step = Math.min(step, Math.abs(vals[i] - vals[i - 1]));
  if (!Number.isFinite(step) || step === 0) step = Math.max(1e-8, Math.abs(vals[0] ?? 1));
  let decimals = 8;
  for (let d = 0; d <= 8; d++) {
    if (vals.every((v) => Math.abs(Number(v.toFixed(d)) - v) <= step * 1e-6)) {
      decimals = d;
      break;
    }
  }
  return splits.map((v) => {
    if (v == null || !Number.isFinite(v)) return '';
    const s = v.toFixed(decimals);
    return Number(s) === 0 ? (0).toFixed(decimals) : s;
  });
}

/**
 * deltaToDegrees converts a separation Δ = 1 − cos θ to the angle θ in
 * degrees, 2·asin(√(Δ/2)), with Δ clamped to [0, 2].
 * @param {number} delta
 */
export function deltaToDegrees(delta) {
  const d = Math.min(2, Math.max(0, delta));
  return (2 * Math.asin(Math.sqrt(d / 2)) * 180) / Math.PI;
}

/**
 * optimumReference says what the minimum-angle chart draws beside the
 * curve, from a `state` message: its `optimum` (the spherical-codes entry
 * for the scenario's D_Φ and M) when the server sends one, else, for
 * D_Φ = 2, the regular polygon 360°/M.
 *   angle: the optimal (or best known) angle, or null;
 *   lower, upper: Prop. 3.1's bounds in degrees, when no angle is known;
 *   kind: the caption's words for it.
 * @param {object|null} server the newest state message
 * @returns {{angle: number|null, lower: number|null, upper: number|null, kind: string}}
 */
export function optimumReference(server) {
  const none = {angle: null, lower: null, upper: null, kind: 'no reference: fewer than two memories'};
  if (!server || !server.dims || server.dims.m < 2) return none;
  const opt = server.optimum;
  if (opt && typeof opt === 'object') {
    if (Number.isFinite(opt.angleDeg)) {
      const how = opt.proven ? 'the optimum' : 'the best known code';
      return {angle: opt.angleDeg, lower: null, upper: null, kind: `dashed: ${how} for M = ${opt.m} in ${opt.dim}-D (${opt.source})`};
    }
    if (opt.prop31 && Number.isFinite(opt.prop31.lower) && Number.isFinite(opt.prop31.upper)) {
      return {
        angle: null,
        lower: deltaToDegrees(opt.prop31.lower),
        upper: deltaToDegrees(opt.prop31.upper),
        kind: `dashed and dotted: Prop. 3.1's bounds on the optimum for M = ${opt.m} in ${opt.dim}-D`,
      };
    }
    return {...none, kind: `no known optimum for M = ${opt.m} in ${opt.dim}-D`};
  }
  if (server.dims.k === 2) {
    const m = server.dims.m;
    return {angle: 360 / m, lower: null, upper: null, kind: `dashed: the optimum 360°/M for M = ${m} (regular polygon)`};
  }
  return {...none, kind: `no reference for D_Φ = ${server.dims.k}`};
}
