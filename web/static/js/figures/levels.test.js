import {test} from 'node:test';
import assert from 'node:assert/strict';
import {bandOf, finiteRange, formatLevel, logTicks, niceLevels, tickLabels} from './levels.js';

test('niceLevels: at most 8 bands of a nice width covering the range, as MaxNLocator', () => {
  assert.deepEqual(niceLevels(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceLevels(0.05, 0.95), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceLevels(-3.7, 12.1), [-5, -2.5, 0, 2.5, 5, 7.5, 10, 12.5]);
  for (const [lo, hi] of [[0, 1], [-3.7, 12.1], [-19.93, 1.2e-3], [0.2401, 0.24071], [1e-9, 3e-9], [-5, -4.999]]) {
    const l = niceLevels(lo, hi);
    assert.ok(l.length >= 2 && l.length <= 9, `${lo}…${hi}: ${l}`);
    assert.ok(l[0] <= lo && l[l.length - 1] >= hi, `${lo}…${hi}: ${l} does not cover`);
    const step = l[1] - l[0];
    const mant = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
    assert.ok([1, 2, 2.5, 5, 10].some((s) => Math.abs(mant - s) < 1e-6), `step ${step} is not nice`);
    for (let i = 1; i < l.length; i++) assert.ok(Math.abs(l[i] - l[i - 1] - step) < step * 1e-9, `${l} not evenly spaced`);
  }
});

test('niceLevels: a flat range gets one band around its value; nothing for non-finite ends', () => {
  const l = niceLevels(2, 2);
  assert.ok(l.length >= 2 && l[0] < 2 && l[l.length - 1] > 2, String(l));
  assert.deepEqual(niceLevels(0, NaN), []);
});

test('bandOf: the band a value falls in, clamped at the ends; -1 for NaN', () => {
  const l = [0, 1, 2, 3];
  assert.equal(bandOf(l, 0), 0);
  assert.equal(bandOf(l, 0.5), 0);
  assert.equal(bandOf(l, 1), 1);
  assert.equal(bandOf(l, 2.99), 2);
  assert.equal(bandOf(l, 3), 2);
  assert.equal(bandOf(l, -7), 0);
  assert.equal(bandOf(l, 99), 2);
  assert.equal(bandOf(l, NaN), -1);
});

test('finiteRange skips NaN and spans several arrays', () => {
  assert.deepEqual(finiteRange([3, NaN, -1], Float64Array.of(7)), [-1, 7]);
  assert.equal(finiteRange([NaN]), null);
});

test('formatLevel: the decimals of the band width, a real minus sign', () => {
  assert.equal(formatLevel(-0.4, 0.2), '−0.4');
  assert.equal(formatLevel(0.25, 0.25), '0.25');
  assert.equal(formatLevel(12, 2), '12');
  assert.equal(formatLevel(1e-17, 0.1), '0.0');
  assert.equal(formatLevel(0.2405, 0.0005), '0.2405');
});

test('logTicks: the decades in range, with 2 and 5 between when there are few', () => {
  assert.deepEqual(logTicks(0.004, 3).map((t) => t.value), [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2]);
  assert.deepEqual(logTicks(1e-6, 1e3).filter((t) => t.major).map((t) => t.value), [1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1000]);
  assert.ok(logTicks(1e-6, 1e3).every((t) => t.major));
});

test('tickLabels: one bar\'s labels share their decimals, the fewest that write them exactly', () => {
  // The step as the bars have it: the difference of two levels, with its float noise.
  const quarter = niceLevels(-0.5, -0.3);
  const q = quarter[1] - quarter[0];
  assert.ok(Math.abs(q - 0.025) < 1e-12);
  const n = quarter.length - 1;
  assert.deepEqual(tickLabels(quarter, q, [0, n]), ['−0.5', '−0.3']);
  assert.deepEqual(tickLabels(quarter, q, [0, 4, n]), ['−0.5', '−0.4', '−0.3']);
  assert.deepEqual(tickLabels(quarter, q, [0, 1, 2]), ['−0.500', '−0.475', '−0.450']);
  assert.deepEqual(tickLabels(quarter, q, [0, 2]), ['−0.50', '−0.45']);
  const hundredth = niceLevels(-0.51, -0.44);
  assert.deepEqual(tickLabels(hundredth, hundredth[1] - hundredth[0], [0, hundredth.length - 1]), ['−0.51', '−0.44']);
  assert.deepEqual(tickLabels([-30, -25, -20, -15, -10, -5, 0, 5], 5, [0, 7]), ['−30', '5']);
  assert.deepEqual(tickLabels([-1e-17, 0.1, 0.2], 0.1, [0, 1]), ['0.0', '0.1']);
  assert.deepEqual(tickLabels([0, 1, 2], 1, [0, 2]), ['0', '2']);
});
