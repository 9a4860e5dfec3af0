// chartmath.js: the pure parts of the charts: tick labels, and the optimum
// drawn beside the minimum angle. No DOM; tested with node --test.

import {referenceAngles} from './optimum.js';

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
 * optimumReference says what the minimum-angle chart draws beside the
 * curve, from a `state` message's `optimum` (the spherical-codes entry for
 * the scenario's D_Φ and M; optimum.js turns it into angles):
 *   angle: the optimal or best known angle, or null;
 *   lower, upper: Prop. 3.1's bounds in degrees, when no angle is known;
 *   proven: whether angle is proven optimal;
 *   kind: the chart caption's words for it.
 * @param {object|null} server the newest state message
 * @returns {{angle: number|null, lower: number|null, upper: number|null, proven: boolean, kind: string}}
 */
export function optimumReference(server) {
  const opt = server?.optimum;
  const r = referenceAngles(opt);
  const out = {angle: r.best, lower: r.lower, upper: r.upper, proven: Boolean(opt?.proven), kind: ''};
  const m = server?.dims?.m ?? 0;
  if (!opt) out.kind = m < 2 ? 'no reference: fewer than two memories' : `no reference for D_Φ = ${server?.dims?.k}`;
  else if (r.best !== null) out.kind = `dashed: ${opt.proven ? 'the optimum' : 'the best known code'} for M = ${opt.m} in ${opt.dim}-D${opt.source ? ` (${opt.source})` : ''}`;
  else if (r.lower !== null) out.kind = `dashed: Prop. 3.1's bounds on the optimum for M = ${opt.m} in ${opt.dim}-D`;
  else out.kind = `no known optimum for M = ${opt.m} in ${opt.dim}-D`;
  return out;
}
