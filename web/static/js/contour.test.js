import {test} from 'node:test';
import assert from 'node:assert/strict';
import {contourLevels, isolines} from './contour.js';

test('contourLevels: n levels strictly inside the range', () => {
  assert.deepEqual(contourLevels(0, 4, 3), [1, 2, 3]);
  assert.deepEqual(contourLevels(1, 1, 3), []);
  assert.deepEqual(contourLevels(0, NaN, 3), []);
  assert.deepEqual(contourLevels(0, 1, 0), []);
});

test('isolines of a plane are one straight line at the right place', () => {
  // E = x (the column), on a 5×4 grid: the level 2.5 is the line j = 2.5.
  const nx = 5;
  const ny = 4;
  const e = new Float64Array(nx * ny);
  for (let i = 0; i < ny; i++) for (let j = 0; j < nx; j++) e[i * nx + j] = j;
  const s = isolines(e, nx, ny, [2.5]);
  assert.equal(s.length, 4 * (ny - 1)); // one segment per row of cells
  for (let k = 0; k < s.length; k += 4) {
    assert.equal(s[k], 2.5);
    assert.equal(s[k + 2], 2.5);
    assert.equal(Math.abs(s[k + 3] - s[k + 1]), 1);
  }
});

test('isolines of a paraboloid are closed: every end point is shared by two segments', () => {
  const n = 21;
  const e = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) e[i * n + j] = (i - 10) ** 2 + (j - 10) ** 2;
  const s = isolines(e, n, n, [20.5]);
  assert.ok(s.length > 0);
  const count = new Map();
  for (let k = 0; k < s.length; k += 2) {
    const key = `${s[k].toFixed(4)},${s[k + 1].toFixed(4)}`;
    count.set(key, (count.get(key) || 0) + 1);
    // Every point lies near the circle of radius √20.5.
    const r = Math.hypot(s[k] - 10, s[k + 1] - 10);
    assert.ok(Math.abs(r - Math.sqrt(20.5)) < 0.2, `point at radius ${r}`);
  }
  for (const [key, c] of count) assert.equal(c, 2, `end point ${key} used ${c} times`);
});

test('isolines skip cells with a non-finite or masked corner', () => {
  const e = Float64Array.from([0, 1, 0, 1]);
  assert.equal(isolines(e, 2, 2, [0.5]).length, 4);
  assert.equal(isolines(Float64Array.from([0, NaN, 0, 1]), 2, 2, [0.5]).length, 0);
  assert.equal(isolines(e, 2, 2, [0.5], (k) => k === 3).length, 0);
});

test('a saddle cell gives two segments that do not cross', () => {
  const e = Float64Array.from([1, 0, 0, 1]); // a (0,0)=1, b=0, d=0, e (1,1)=1
  const s = isolines(e, 2, 2, [0.5]);
  assert.equal(s.length, 8);
});
