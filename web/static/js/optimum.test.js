// Unit tests of optimum.js: node --test web/static/js/
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {deltaToDeg, isPolygon, referenceAngles} from './optimum.js';

const close = (got, want, tol = 1e-9) => assert.ok(Math.abs(got - want) <= tol, `${got} is not ${want} ± ${tol}`);

test('deltaToDeg inverts Δ = 1 − cos θ and clamps Δ to [0, 2]', () => {
  close(deltaToDeg(0), 0);
  close(deltaToDeg(1), 90);
  close(deltaToDeg(0.5), 60);
  close(deltaToDeg(1.5), 120);
  close(deltaToDeg(2), 180);
  close(deltaToDeg(2.8284271247461903), 180); // 4/√2: Prop. 3.1's upper bound for D = 3, M = 2
  close(deltaToDeg(-1e-17), 0);
  close(deltaToDeg(1 - Math.cos((74.8584922 * Math.PI) / 180)), 74.8584922, 1e-7);
  assert.equal(deltaToDeg(null), null);
  assert.equal(deltaToDeg(undefined), null);
  assert.equal(deltaToDeg(Number.NaN), null);
});

test('referenceAngles: the best known angle, else the Prop. 3.1 band', () => {
  // D_Φ = 3, M = 8, as the server sends it (GET /api/v1/spherical-codes?dim=3&m=8).
  const tammes8 = {dim: 3, m: 8, angleDeg: 74.8584922, deltaMin: 0.7387961250362586, proven: true, source: 'square antiprism; OEIS A381756', prop31: {lower: 1 / 12, upper: Math.SQRT2}};
  assert.deepEqual(referenceAngles(tammes8), {best: 74.8584922, lower: null, upper: null});
  // D_Φ = 5: only the bounds.
  const five = {dim: 5, m: 10, angleDeg: null, deltaMin: null, proven: false, source: null, prop31: {lower: 0.05, upper: 1}};
  const r = referenceAngles(five);
  assert.equal(r.best, null);
  close(r.lower, deltaToDeg(0.05));
  close(r.upper, 90);
  assert.ok(r.lower < r.upper);
  // An upper bound beyond 2 is drawn at 180°.
  close(referenceAngles({...five, prop31: {lower: 0.3, upper: 3}}).upper, 180);
  for (const none of [null, undefined, {}, {angleDeg: null}]) {
    assert.deepEqual(referenceAngles(none), {best: null, lower: null, upper: null});
  }
});

test('isPolygon: only the 2-D optimum is the regular polygon', () => {
  assert.equal(isPolygon({dim: 2, m: 8, angleDeg: 45}), true);
  assert.equal(isPolygon({dim: 3, m: 8, angleDeg: 74.8584922}), false);
  assert.equal(isPolygon({dim: 5, m: 8, angleDeg: null}), false);
  assert.equal(isPolygon(null), false);
  assert.equal(isPolygon(undefined), false);
});
