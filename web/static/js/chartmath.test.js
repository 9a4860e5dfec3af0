import {test} from 'node:test';
import assert from 'node:assert/strict';
import {chartTicks, optimumReference} from './chartmath.js';

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

test('optimumReference: the server\'s optimum or the Prop. 3.1 band, with words for the caption', () => {
  const tammes = optimumReference({dims: {m: 8, d: 2, k: 3}, optimum: {dim: 3, m: 8, angleDeg: 74.8584922, proven: true, source: 'square antiprism', prop31: {lower: 0.08, upper: 1.41}}});
  assert.equal(tammes.angle, 74.8584922);
  assert.equal(tammes.proven, true);
  assert.match(tammes.kind, /the optimum for M = 8 in 3-D \(square antiprism\)/);
  const known = optimumReference({optimum: {dim: 3, m: 60, angleDeg: 27.19283, proven: false, source: 'best known', prop31: {lower: 0.01, upper: 0.5}}});
  assert.match(known.kind, /best known code/);
  const band = optimumReference({optimum: {dim: 5, m: 8, angleDeg: null, deltaMin: null, proven: false, source: null, prop31: {lower: 0.1, upper: 1}}});
  assert.equal(band.angle, null);
  assert.ok(Math.abs(band.upper - 90) < 1e-9); // Δ = 1 is 90°
  assert.match(band.kind, /Prop. 3.1/);
  assert.equal(optimumReference({dims: {m: 1}, optimum: null}).angle, null);
  assert.equal(optimumReference(null).angle, null);
});

test('optimumReference: D_Φ = 1 has no reference, and says so truly', () => {
  const r = optimumReference({dims: {m: 3, d: 2, k: 1}, optimum: null});
  assert.equal(r.angle, null);
  assert.match(r.kind, /D_Φ = 1/);
  assert.doesNotMatch(r.kind, /fewer than two/);
});
