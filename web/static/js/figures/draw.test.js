import {test} from 'node:test';
import assert from 'node:assert/strict';
import {answer} from './testdata/answers.js';
import {energyModel, prop31Model} from './model.js';
import {coversData, energyScales, prop31Axes, prop31Layout, rasterBasins, rasterEnergy, verticalBarTicks} from './draw.js';
import {memoryRGB, UNDEFINED_RGB} from '../palette.js';

const image = (w, h) => ({width: w, height: h, data: new Uint8ClampedArray(4 * w * h)});
const px = (img, x, y) => Array.from(img.data.slice(4 * (y * img.width + x), 4 * (y * img.width + x) + 3));

test('energyScales: as published one scale per panel, corrected one per row', () => {
  const g = energyModel(answer('energy')).subfigures[1];
  const pub = energyScales(g, 'published');
  const cor = energyScales(g, 'corrected');
  assert.equal(pub.length, 4);
  for (let r = 0; r < 4; r++) {
    assert.notDeepEqual(pub[r][0].levels, pub[r][1].levels);
    assert.equal(cor[r][0], cor[r][2]);
    for (const p of g.rows[r].panels) {
      const lo = Math.min(...p.corrected);
      const hi = Math.max(...p.corrected);
      assert.ok(cor[r][0].levels[0] <= lo && cor[r][0].levels.at(-1) >= hi);
    }
    assert.equal(pub[r][0].colors.length, pub[r][0].levels.length - 1);
  }
});

test('rasterEnergy: y grows upwards, bands take their colours, NaN is the undefined colour', () => {
  // A 3 × 3 grid whose energy is its row index: the bottom of the picture is low.
  const row = {nx: 3, ny: 3};
  const values = Float64Array.of(0, 0, 0, 1, 1, 1, 2, 2, 2);
  const scale = {levels: [0, 1, 2], colors: [[0, 0, 0], [255, 255, 255]]};
  const img = image(4, 4);
  rasterEnergy(img, row, values, scale);
  assert.deepEqual(px(img, 0, 3), [0, 0, 0]); // bottom: E ≈ 0.25
  assert.deepEqual(px(img, 3, 0), [255, 255, 255]); // top: E ≈ 1.75
  values[8] = NaN;
  rasterEnergy(img, row, values, scale);
  assert.deepEqual(px(img, 3, 0), UNDEFINED_RGB);
});

test('rasterBasins: the nearest grid point\'s label in its memory\'s colour, white for −1', () => {
  const row = {nx: 2, ny: 2};
  const img = image(2, 2);
  rasterBasins(img, row, Int32Array.of(0, -1, 1, -2)); // (i=0: bottom) 0, white; (i=1: top) 1, undefined
  assert.deepEqual(px(img, 0, 1), memoryRGB(0));
  assert.deepEqual(px(img, 1, 1), [255, 255, 255]);
  assert.deepEqual(px(img, 0, 0), memoryRGB(1));
  assert.deepEqual(px(img, 1, 0), UNDEFINED_RGB);
});

test('prop31Axes: the y range holds every bound, at half decades', () => {
  const m = prop31Model(answer('prop31'));
  const ax = prop31Axes(m);
  assert.equal(ax.xmax, 140);
  for (const r of m.plotted) assert.ok(ax.ymin <= r.lower && r.upper <= ax.ymax);
  assert.ok(Number.isInteger(Math.round(2 * Math.log10(ax.ymin))));
});

test('prop31Layout: the legend covers no dot and no curve, at any width; inside when there is room, below on a phone', () => {
  const m = prop31Model(answer('prop31'));
  // Text about as wide as a sans-serif font sets it.
  for (const aspect of [10 / 16, 3 / 4, 1]) {
    for (let w = 260; w <= 1400; w += 20) {
      const h = Math.round(w * aspect);
      const f = w < 500 ? 10 : 12;
      const lay = prop31Layout(m, 5, 7, w, h, f, (t) => t.length * f * 0.58);
      const b = lay.legend.box;
      const where = `${w} × ${h}: legend ${lay.legend.inside ? 'inside' : 'below'} at ${JSON.stringify(b)}`;
      assert.ok(!coversData(m, lay.X, lay.Y, lay.rad, b), `${where} covers the data`);
      assert.ok(b.x >= 5 && b.y >= 7 && b.x + b.w <= 5 + w + 1e-9 && b.y + b.h <= 7 + h + 1e-9, `${where} leaves the chart`);
      assert.ok(lay.bottom - lay.top > h / 3, `${where}: the plot is ${lay.bottom - lay.top} px tall`);
      if (!lay.legend.inside) assert.ok(b.y >= lay.bottom + f * 3, `${where}: the legend is on the axis title`);
      // The y ticks (right-aligned 6 px left of the plot) clear the rotated axis title.
      assert.ok(lay.left - 6 - '0.005'.length * f * 0.58 >= 5 + f * 1.5, `${where}: the ticks run into the axis title`);
      for (const it of lay.legend.items) assert.ok(it.y > b.y && it.y < b.y + b.h, `${where}: item ${it.text} outside its box`);
    }
  }
  assert.equal(prop31Layout(m, 0, 0, 320, 320, 10, (t) => t.length * 5.8).legend.inside, false);
  assert.equal(prop31Layout(m, 0, 0, 852, 500, 13, (t) => t.length * 7.5).legend.inside, true);
});

test('coversData: a box on a dot or across a curve covers it; one in an empty corner does not', () => {
  const m = prop31Model(answer('prop31'));
  const X = (v) => v;
  const Y = (v) => -100 * Math.log10(v);
  const r = m.plotted[10];
  assert.equal(coversData(m, X, Y, 2, {x: X(r.m) - 1, y: Y(r.deltaMin) - 1, w: 2, h: 2}), true);
  // Between two plotted M, across the upper bound's segment only.
  const [a, b] = [m.plotted[20], m.plotted[21]];
  const mid = (Y(a.upper) + Y(b.upper)) / 2;
  assert.equal(coversData(m, X, Y, 0, {x: (a.m + b.m) / 2 - 0.1, y: mid - 0.5, w: 0.2, h: 1}), true);
  assert.equal(coversData(m, X, Y, 2, {x: 1000, y: -1000, w: 50, h: 50}), false);
});

test('verticalBarTicks: both ends labelled, no two labels closer than a line', () => {
  const check = (n, h, fontPx) => {
    const t = verticalBarTicks(n, h, fontPx);
    assert.equal(t[0].k, 0, `n ${n}, h ${h}`);
    assert.equal(t.at(-1).k, n, `n ${n}, h ${h}`);
    for (let i = 1; i < t.length; i++) {
      assert.ok(t[i].k > t[i - 1].k);
      assert.ok(t[i - 1].label - t[i].label >= 1.25 * fontPx - 1e-9,
        `n ${n}, h ${h}: labels of levels ${t[i - 1].k} and ${t[i].k} are ${t[i - 1].label - t[i].label} px apart`);
      assert.ok(t[i].label >= fontPx / 2 && t[i].label <= h - fontPx / 2);
      assert.equal(t[i].tick, h - (t[i].k * h) / n);
    }
  };
  // The corrected drawing's row bars (170 px, 10 px type; the page scales
  // the whole figure to its width) with the levels of the real answers,
  // and bars of other heights and type sizes.
  for (const sub of energyModel(answer('energy')).subfigures) {
    for (const row of energyScales(sub, 'corrected')) check(row[0].colors.length, 170, 10);
  }
  for (const h of [60, 100, 170, 240, 400]) {
    for (const fontPx of [10, 11, 14]) {
      for (let n = 1; n <= 40; n++) check(n, h, fontPx);
    }
  }
  // Ten bands on 170 px: the end labels, pulled in by half a line, would
  // touch those of levels 1 and 9; those are dropped, not the ends.
  assert.deepEqual(verticalBarTicks(10, 170, 10).map((t) => t.k), [0, 2, 3, 4, 5, 6, 7, 8, 10]);
});
