import {test} from 'node:test';
import assert from 'node:assert/strict';
import {answer} from './testdata/answers.js';
import {capacityModel} from './capacitymodel.js';
import {GAP_SLOT, MIN_BAR, SERIES, axisText, barLayout, kRuns} from './barchart.js';

const measure = (t) => 7 * t.length;

test('barLayout: a pair of bars per k, raw first, heights in proportion to the shares, inside the plot and apart', () => {
  const m = capacityModel(answer('capacity'), answer('capacity-request'));
  const c = m.maps[1]; // 1.5-entmax: raw 318 at k = 6, 680 at 7, 2 at 9; kernelized 1000 at 1
  const lay = barLayout(c, m.ks, ['raw', 'kernelized'], m.q, 0, 0, 400, 300, 12, measure);
  assert.equal(lay.bars.length, 2 * m.ks.length);
  const H = lay.bottom - lay.top;
  const bar = (k, key) => lay.bars.find((b) => b.k === k && b.key === key);
  assert.ok(Math.abs(bar(7, 'raw').h - 0.68 * H) < 1e-9);
  assert.ok(Math.abs(bar(1, 'kernelized').h - H) < 1e-9);
  assert.equal(bar(9, 'raw').h, MIN_BAR, 'a count of 2 in 1000 still shows');
  assert.equal(bar(2, 'raw').h, 0);
  for (const b of lay.bars) {
    assert.ok(b.x >= lay.left && b.x + b.w <= lay.right && b.y >= lay.top - 1e-9 && b.y + b.h <= lay.bottom + 1e-9, JSON.stringify(b));
  }
  for (let i = 1; i < lay.bars.length; i++) assert.ok(lay.bars[i].x >= lay.bars[i - 1].x + lay.bars[i - 1].w, 'bars overlap');
  assert.ok(bar(3, 'raw').x < bar(3, 'kernelized').x);
  assert.deepEqual(lay.xTicks.map((t) => t.k), m.ks, 'every k labelled at 400 px');
  assert.deepEqual(lay.yTicks.map((t) => t.v), [0, 0.25, 0.5, 0.75, 1]);
});

test('barLayout: on a narrow panel with many k, only every few k are labelled, far enough apart', () => {
  const ks = Array.from({length: 60}, (_, i) => i + 1);
  const c = {raw: new Array(61).fill(1), kernelized: new Array(61).fill(1)};
  const lay = barLayout(c, ks, ['raw', 'kernelized'], 60, 0, 0, 300, 220, 10, measure);
  assert.ok(lay.xTicks.length < 30 && lay.xTicks.length > 3, String(lay.xTicks.length));
  for (let i = 1; i < lay.xTicks.length; i++) assert.ok(lay.xTicks[i].x - lay.xTicks[i - 1].x >= measure('60') + 6);
});

test('SERIES: the Okabe–Ito colours, and the second models are hatched, so colour is not the only cue', () => {
  assert.deepEqual(Object.values(SERIES).map((s) => s.color), ['#0072b2', '#e69f00', '#cc79a7']);
  assert.equal(SERIES.raw.hatch, null);
  assert.ok(SERIES.kernelized.hatch && SERIES.kernelizedNormalized.hatch && SERIES.kernelized.hatch !== SERIES.kernelizedNormalized.hatch);
});

test('barLayout: the x axis is categorical; non-consecutive k get a narrower gap slot with a mark between them, not even spacing', () => {
  const ks = [0, 1, 2, 5];
  const c = {raw: [10, 20, 30, 0, 0, 40], kernelized: [0, 100, 0, 0, 0, 0]};
  const lay = barLayout(c, ks, ['raw', 'kernelized'], 100, 0, 0, 400, 300, 12, measure);
  assert.deepEqual(lay.gaps.map((g) => [g.from, g.to]), [[3, 4]]);
  const mid = (k) => lay.xTicks.find((t) => t.k === k).x;
  const slot = mid(1) - mid(0);
  assert.ok(Math.abs(mid(2) - mid(1) - slot) < 1e-9);
  assert.ok(Math.abs(mid(5) - mid(2) - slot * (1 + GAP_SLOT)) < 1e-9, 'the gap adds a slot of its own');
  assert.ok(lay.gaps[0].x > mid(2) && lay.gaps[0].x < mid(5));
  assert.deepEqual(lay.xTicks.map((t) => t.k), ks);
  // Consecutive k: no gap, and the axis's second line is not reserved.
  const plain = barLayout(c, [0, 1, 2], ['raw', 'kernelized'], 100, 0, 0, 400, 300, 12, measure);
  assert.deepEqual(plain.gaps, []);
  assert.ok(plain.bottom > lay.bottom);
});

test('barLayout: with M = 1024 and scattered k, every gap keeps its mark and no k label covers one', () => {
  const ks = [0, 1, 2, 3, 9, 10, 40, 200, 201, 1024];
  const c = {raw: new Array(1025).fill(1), kernelized: new Array(1025).fill(1)};
  const lay = barLayout(c, ks, ['raw', 'kernelized'], 1025, 0, 0, 260, 220, 10, measure);
  assert.equal(lay.gaps.length, 4);
  for (const t of lay.xTicks) {
    for (const g of lay.gaps) assert.ok(Math.abs(t.x - g.x) >= (measure(String(t.k)) + measure('…')) / 2, `${t.k} over a gap`);
  }
  for (const b of lay.bars) assert.ok(b.x >= lay.left && b.x + b.w <= lay.right);
});

test('axisText and kRuns: the text alternative says which k the axis shows', () => {
  assert.equal(kRuns([0, 1, 2, 5, 7, 8]), '0–2, 5 and 7, 8');
  assert.equal(axisText([0, 1, 2, 5]), 'bar groups only for k = 0–2 and 5 (the k some query reached), side by side, with … where k are skipped');
  assert.equal(axisText([1, 2, 3]), 'a bar group for every k from 1 to 3');
  assert.equal(axisText([4]), 'one bar group, k = 4');
});
