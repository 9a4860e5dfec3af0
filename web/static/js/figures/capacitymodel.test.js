import {test} from 'node:test';
import assert from 'node:assert/strict';
import {answer} from './testdata/answers.js';
import {capacityModel, modeK, single, tableView} from './capacitymodel.js';

const model = () => capacityModel(answer('capacity'), answer('capacity-request'));

test('capacityModel: the maps in the words on screen, their three histograms, M, Q and the geometry', () => {
  const m = model();
  assert.deepEqual(m.maps.map((c) => c.label), ['softmax', '1.5-entmax', 'sparsemax']);
  assert.deepEqual([m.q, m.m, m.d, m.k, m.beta, m.steps, m.iterations], [1000, 10, 5, 5, 1, 20, 20]);
  assert.equal(m.hasNormalized, true);
  for (const c of m.maps) {
    for (const key of ['raw', 'kernelized', 'kernelizedNormalized']) {
      assert.equal(c[key].length, 11);
      assert.equal(c[key].reduce((a, b) => a + b, 0) + c.undefined[key], 1000);
    }
  }
  assert.deepEqual(m.ks, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(m.geometry.after.iteration, 20);
  assert.equal(m.inputs, null);
});

test('capacityModel: beyond 16 memories only the k some model reached are rows; k = 0 when reached', () => {
  const h = (at) => Object.assign(new Array(41).fill(0), at);
  const a = {queries: 10, capacity: [{separation: 'entmax:1.25', raw: h({0: 2, 30: 8}), kernelized: h({1: 10}), undefined: {raw: 0, kernelized: 0}}],
    geometry: {before: {}, after: {}}};
  const req = {memories: {gaussian: {count: 40, dim: 3, seed: 1}}, queries: {gaussian: {count: 10, seed: 1}}, beta: 2, featureMap: {dim: 3, seed: 1},
    uhop: {iterations: 20}, retrieval: {steps: 20, supportEps: 0.01}};
  const m = capacityModel(a, req);
  assert.deepEqual(m.ks, [0, 1, 30]);
  assert.equal(m.maps[0].label, '1.25-entmax');
  assert.equal(m.hasNormalized, false);
});

test('tableView: raw beside kernelized, or beside unit features; every count with its share; no undefined row when none', () => {
  const m = model();
  const v = tableView(m, false);
  assert.deepEqual(v.models, ['raw', 'kernelized']);
  assert.equal(v.rows.length, 10);
  const k7 = v.rows.find((r) => r.k === 7);
  // entmax15 raw: 680 queries end in mixtures of 7.
  assert.deepEqual(k7.cells[2], {count: 680, share: 0.68});
  const n = tableView(m, true);
  assert.deepEqual(n.models, ['raw', 'kernelizedNormalized']);
  assert.equal(n.rows.find((r) => r.k === 9).cells[3].count, 1000);
  assert.equal(v.rows.find((r) => r.k === 1).cells[1].count, 1000);
});

test('tableView: a row of undefined queries when some overflowed', () => {
  const a = answer('capacity');
  a.capacity[0].undefined.kernelized = 3;
  a.capacity[0].kernelized[1] -= 3;
  const v = tableView(capacityModel(a, answer('capacity-request')), false);
  const last = v.rows[v.rows.length - 1];
  assert.equal(last.k, 'undefined');
  assert.deepEqual(last.cells.map((c) => c.count), [0, 3, 0, 0, 0, 0]);
});

test('single and modeK', () => {
  const c = model().maps[2];
  assert.equal(single(c, 'raw', 1000), 0);
  assert.equal(single(c, 'kernelized', 1000), 1);
  assert.equal(modeK(c, 'raw'), 3);
  assert.equal(modeK(c, 'kernelizedNormalized'), 4);
  assert.equal(modeK({raw: [0, 0]}, 'raw'), -1);
});

test('capacityModel: α-entmax at α = 1.5 beside 1.5-entmax is told apart', () => {
  const a = answer('capacity');
  a.capacity.push({...a.capacity[1], separation: 'entmax:1.5'});
  const m = capacityModel(a, answer('capacity-request'));
  assert.deepEqual(m.maps.map((c) => c.label), ['softmax', '1.5-entmax', 'sparsemax', '1.5-entmax (bisection)']);
  assert.ok(Object.isFrozen(m.maps[3]));
});
