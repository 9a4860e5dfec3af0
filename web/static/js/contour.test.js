import {test} from 'node:test';
import assert from 'node:assert/strict';
import {contourLevels, contourLines, isolines} from './contour.js';

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

// referenceIsolines is the plain marching squares, level by level and cell
// by cell, with the same edge interpolation and saddle rule: isolines must
// give the same segments (in its own order).
function referenceIsolines(energy, nx, ny, levels, skip) {
  const out = [];
  const frac = (u, v, c) => (u === v ? 0.5 : Math.min(1, Math.max(0, (c - u) / (v - u))));
  for (const c of levels) {
    for (let i = 0; i + 1 < ny; i++) {
      for (let j = 0; j + 1 < nx; j++) {
        const k00 = i * nx + j;
        const ks = [k00, k00 + 1, k00 + nx, k00 + nx + 1];
        const [a, b, d, e] = ks.map((k) => energy[k]);
        if (![a, b, d, e].every(Number.isFinite)) continue;
        if (skip && ks.some(skip)) continue;
        const code = (a > c ? 1 : 0) | (b > c ? 2 : 0) | (e > c ? 4 : 0) | (d > c ? 8 : 0);
        const P = {
          bottom: [j + frac(a, b, c), i],
          right: [j + 1, i + frac(b, e, c)],
          top: [j + frac(d, e, c), i + 1],
          left: [j, i + frac(a, d, c)],
        };
        const seg = (p, q) => out.push([...P[p], ...P[q]]);
        const pairs = {1: ['left', 'bottom'], 2: ['bottom', 'right'], 3: ['left', 'right'], 4: ['right', 'top'], 6: ['bottom', 'top'], 7: ['left', 'top']};
        const kk = code > 7 ? 15 - code : code;
        if (code === 0 || code === 15) continue;
        if (kk === 5) {
          const centreAbove = (a + b + d + e) / 4 > c;
          if ((code === 5) === centreAbove) {
            seg('left', 'top');
            seg('bottom', 'right');
          } else {
            seg('left', 'bottom');
            seg('right', 'top');
          }
        } else {
          seg(...pairs[kk]);
        }
      }
    }
  }
  return out.map((s) => Array.from(Float32Array.from(s)).join(',')).sort();
}

test('isolines give exactly the segments of the plain marching squares', () => {
  // A seeded random landscape with wells, saddles, flat patches, holes and a mask.
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const nx = 37;
  const ny = 29;
  const e = new Float64Array(nx * ny);
  for (let i = 0; i < ny; i++) {
    for (let j = 0; j < nx; j++) {
      e[i * nx + j] = Math.sin(j / 3) * Math.cos(i / 4) + 0.3 * rnd() + (j > 30 ? 0.5 : 0);
    }
  }
  e[5 * nx + 5] = NaN;
  e[9 * nx + 20] = Infinity;
  for (let j = 0; j < 6; j++) e[20 * nx + j] = 0.25; // a flat patch exactly on a level
  const levels = [-0.5, 0, 0.25, 0.5, 0.9];
  const skip = (k) => k % 97 === 0;
  for (const [name, mask] of [['no mask', undefined], ['a mask', skip]]) {
    const got = isolines(e, nx, ny, levels, mask);
    const segs = [];
    for (let k = 0; k < got.length; k += 4) segs.push(Array.from(got.subarray(k, k + 4)).join(','));
    const want = referenceIsolines(e, nx, ny, levels, mask);
    assert.ok(want.length > 100, `${name}: a landscape with many segments (${want.length})`);
    assert.deepEqual(segs.sort(), want, name);
  }
  assert.equal(isolines(e, nx, ny, []).length, 0, 'no levels, no segments');
});

test('contourLines joins the segments of isolines into polylines, each segment once', () => {
  let seed = 777;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const nx = 41;
  const ny = 33;
  const e = new Float64Array(nx * ny);
  for (let i = 0; i < ny; i++) for (let j = 0; j < nx; j++) e[i * nx + j] = Math.hypot(i - 16, j - 20) + 2 * Math.sin(j / 4) + 0.2 * rnd();
  e[7 * nx + 9] = NaN;
  const levels = contourLevels(0, 25, 10);
  for (const skip of [undefined, (k) => k % 53 === 0]) {
    const segs = isolines(e, nx, ny, levels, skip);
    const want = [];
    for (let k = 0; k < segs.length; k += 4) want.push(key(segs[k], segs[k + 1], segs[k + 2], segs[k + 3]));
    const lines = contourLines(e, nx, ny, levels, skip);
    const got = [];
    let polylines = 0;
    let closed = 0;
    let start = 0;
    for (let k = 0; k < lines.length; k += 2) {
      if (Number.isNaN(lines[k])) {
        assert.ok(k - start >= 4, 'a polyline has at least two points');
        if (lines[start] === lines[k - 2] && lines[start + 1] === lines[k - 1]) closed++;
        polylines++;
        start = k + 2;
        continue;
      }
      if (k > start) got.push(key(lines[k - 2], lines[k - 1], lines[k], lines[k + 1]));
    }
    assert.equal(start, lines.length, 'the last polyline ends with a NaN pair');
    assert.deepEqual(got.sort(), want.sort(), 'the same segments, each once');
    assert.ok(polylines < want.length / 4, `joined: ${polylines} polylines of ${want.length} segments`);
    if (!skip) assert.ok(closed > 0, 'the rings round the well are closed');
  }
  assert.equal(contourLines(e, nx, ny, []).length, 0);
});

// key names a segment whichever way round it goes.
function key(x0, y0, x1, y1) {
  const a = `${x0},${y0}`;
  const b = `${x1},${y1}`;
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
