// Unit tests of exportcsv.js (node --test).

import assert from 'node:assert/strict';
import {test} from 'node:test';

import {metricsCSV, whiteColumns} from './exportcsv.js';

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
    't,loss,deltaMin,minAngleDeg,white_input_softmax,white_feature_softmax',
    '0,0.5,0.1,10,0.5,1',
    '1,0.25,0.2,20.5,,',
    '2,0.125,0.3,30,0.25,',
    '',
  ].join('\n'));
});

test('M < 2: null metrics are empty; a drawn iteration beyond the metrics gets its line', () => {
  const csv = metricsCSV({loss: [null], deltaMin: [null], minAngleDeg: [null]}, {series: {'softmax|input': new Map([[1, 0]])}});
  assert.equal(csv, 't,loss,deltaMin,minAngleDeg,white_input_softmax\n0,,,,\n1,,,,0\n');
});

test('numbers keep every digit, so the CSV gives back the page\'s numbers', () => {
  const x = 0.1 + 0.2;
  const csv = metricsCSV({loss: [x], deltaMin: [1e-17], minAngleDeg: [359.99999999999994]}, {series: {}});
  const [, line] = csv.trim().split('\n');
  assert.deepEqual(line.split(',').map(Number), [0, x, 1e-17, 359.99999999999994]);
});
