import {test} from 'node:test';
import assert from 'node:assert/strict';
import {chartTicks, deltaToDegrees, optimumReference} from './chartmath.js';

test('chartTicks: as few decimals as the spacing needs, never "de100.00grees"-wide', () => {
  assert.deepEqual(chartTicks([0, 25, 50, 75, 100]), ['0', '25', '50', '75', '100']);
  assert.deepEqual(chartTicks([0.2395, 0.24, 0.2405]), ['0.2395', '0.2400', '0.2405']);
  assert.deepEqual(chartTicks([0, 0.25, 0.5, 0.75, 1]), ['0.00', '0.25', '0.50', '0.75', '1.00']);
  assert.deepEqual(chartTicks([-0.0000001, 0.5]), ['0.0', '0.5']);
  assert.deepEqual(chartTicks([null, 10, 20]), ['', '10', '20']);
});

test('chartTicks: one lone tick still gets a short label', () => {
  assert.deepEqual(chartTicks([0]), ['0']);
  assert.deepEqual(chartTicks([0.2272]), ['0.2272']);
});

test('deltaToDegrees inverts 1 − cos θ and clamps', () => {
  for (const deg of [0, 1, 30, 45, 90, 120, 180]) {
    const d = 1 - Math.cos((deg * Math.PI) / 180);
    assert.ok(Math.abs(deltaToDegrees(d) - deg) < 1e-9, `${deg}°`);
  }
  assert.equal(deltaToDegrees(-1), 0);
  assert.equal(deltaToDegrees(5), 180);
});

test('optimumReference: the server\'s optimum, the Prop. 3.1 band, or the polygon', () => {
  const dims = {m: 8, d: 2, k: 3};
  const tammes = optimumReference({dims, optimum: {dim: 3, m: 8, angleDeg: 74.8584922, proven: true, source: 'square antiprism', prop31: {lower: 0.08, upper: 1.41}}});
  assert.equal(tammes.angle, 74.8584922);
  assert.match(tammes.kind, /optimum for M = 8 in 3-D/);
  const band = optimumReference({dims: {m: 8, d: 2, k: 5}, optimum: {dim: 5, m: 8, angleDeg: null, deltaMin: null, proven: false, source: '', prop31: {lower: 0.1, upper: 1}}});
  assert.equal(band.angle, null);
  assert.ok(Math.abs(band.lower - deltaToDegrees(0.1)) < 1e-12);
  assert.ok(Math.abs(band.upper - 90) < 1e-9); // Δ = 1 is 90°
  const polygon = optimumReference({dims: {m: 8, d: 2, k: 2}});
  assert.equal(polygon.angle, 45);
  assert.equal(optimumReference({dims: {m: 8, d: 2, k: 3}}).angle, null); // no guess for 3-D without the server
  assert.equal(optimumReference({dims: {m: 1, d: 2, k: 2}}).angle, null);
  assert.equal(optimumReference(null).angle, null);
});
