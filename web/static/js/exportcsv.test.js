// Unit tests of exportcsv.js (node --test).

import assert from 'node:assert/strict';
import {test} from 'node:test';

import {metricsCSV, WHITE_SOURCES, whiteColumns, whiteSourceCounts} from './exportcsv.js';

test('white columns: input before feature, the scenario order of maps', () => {
  const keys = ['sparsemax|feature', 'softmax|feature', 'sparsemax|input', 'entmax:1.25|input', 'softmax|input'];
  assert.deepEqual(whiteColumns(keys, ['softmax', 'sparsemax', 'entmax:1.25']).map((c) => c.column), [
    'white_input_softmax', 'white_input_sparsemax', 'white_input_entmax:1.25', 'white_feature_softmax', 'white_feature_sparsemax',
  ]);
});

test('one line per iteration, empty fields where nothing is known', () => {
  const metrics = {loss: [0.5, 0.25, 0.125], deltaMin: [0.1, 0.2, 0.3], minAngleDeg: [10, 20.5, 30]};
  const unlabeled = {series: {
    'softmax|input': new Map([[0, 0.5], [2, 0.25]]),
    'softmax|feature': new Map([[0, 1]]),
  }};
  assert.equal(metricsCSV(metrics, unlabeled, ['softmax']), [
    't,loss,deltaMin,minAngleDeg,white_source,white_input_softmax,white_feature_softmax',
    '0,0.5,0.1,10,full,0.5,1',
    '1,0.25,0.2,20.5,not_rendered,,',
    '2,0.125,0.3,30,full,0.25,',
    '',
  ].join('\n'));
});

test('M < 2: null metrics are empty; a drawn iteration beyond the metrics gets its line', () => {
  const csv = metricsCSV({loss: [null], deltaMin: [null], minAngleDeg: [null]}, {series: {'softmax|input': new Map([[1, 0]])}});
  assert.equal(csv, 't,loss,deltaMin,minAngleDeg,white_source,white_input_softmax\n0,,,,not_rendered,\n1,,,,full,0\n');
});

test('numbers keep every digit, so the CSV gives back the page\'s numbers', () => {
  const x = 0.1 + 0.2;
  const csv = metricsCSV({loss: [x], deltaMin: [1e-17], minAngleDeg: [359.99999999999994]}, {series: {}});
  const [, line] = csv.trim().split('\n');
  assert.deepEqual(line.split(',').slice(0, 4).map(Number), [0, x, 1e-17, 359.99999999999994]);
});

test('white_source says where each line\'s white shares come from: full, coarse or not_rendered', () => {
  const metrics = {loss: [0.5, 0.25, 0.125, 0.1], deltaMin: [0.1, 0.2, 0.3, 0.4], minAngleDeg: [10, 20, 30, 40]};
  const unlabeled = {series: {'softmax|input': new Map([[0, 0.5], [1, 0.375], [3, 0.25]])}, coarse: new Set([1])};
  assert.equal(metricsCSV(metrics, unlabeled, ['softmax']), [
    't,loss,deltaMin,minAngleDeg,white_source,white_input_softmax',
    '0,0.5,0.1,10,full,0.5',
    '1,0.25,0.2,20,coarse,0.375',
    '2,0.125,0.3,30,not_rendered,',
    '3,0.1,0.4,40,full,0.25',
    '',
  ].join('\n'));
  // No white shares at all: every line says so.
  assert.equal(metricsCSV({loss: [1], deltaMin: [0], minAngleDeg: [0]}, {series: {}}), 't,loss,deltaMin,minAngleDeg,white_source\n0,1,0,0,not_rendered\n');
});

test('WHITE_SOURCES names the values of white_source', () => {
  assert.deepEqual(Object.keys(WHITE_SOURCES), ['full', 'coarse', 'not_rendered']);
  for (const v of Object.values(WHITE_SOURCES)) assert.ok(v.length > 20);
});

test('whiteSourceCounts counts the CSV\'s lines by white_source', () => {
  const metrics = {loss: [0.5, 0.25, 0.125, 0.1], deltaMin: [], minAngleDeg: []};
  const unlabeled = {series: {'softmax|input': new Map([[0, 0.5], [1, 0.375], [5, 0.25]])}, coarse: new Set([1])};
  assert.deepEqual(whiteSourceCounts(metrics, unlabeled), {full: 2, coarse: 1, not_rendered: 3});
  const csv = metricsCSV(metrics, unlabeled);
  for (const [k, n] of Object.entries(whiteSourceCounts(metrics, unlabeled))) assert.equal(csv.split('\n').filter((l) => l.split(',')[4] === k).length, n, k);
});
