import {test} from 'node:test';
import assert from 'node:assert/strict';
import {answer} from './testdata/answers.js';
import {energyModel, prop31Model} from './model.js';
import {energyScales, prop31Axes, rasterBasins, rasterEnergy} from './draw.js';
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
