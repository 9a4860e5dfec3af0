// Unit tests of charts.js (node --test): which state changes draw the
// charts again. The drawing itself needs a browser (e2e).

import assert from 'node:assert/strict';
import {test} from 'node:test';

import {chartsChanged, coarseNoteText} from './charts.js';
import {initialState, reduce} from './store.js';

const stateMsg = (extra = {}) => ({
  type: 'state', seq: 1, epoch: 1, t: 4, dims: {m: 8, d: 2, k: 2}, playing: false,
  scenario: {memories: [[1, 0], [0, 1]], beta: 20},
  optimum: {dim: 2, m: 8, angleDeg: 45, deltaMin: 0.29, proven: true, source: 'regular polygon'},
  ...extra,
});

test('a state that changes the scenario only, or the hover, does not draw the charts', () => {
  const s0 = reduce(initialState(), {type: 'state', msg: stateMsg()});
  assert.equal(chartsChanged(s0, initialState()), true, 'the first state');
  const moved = reduce(s0, {type: 'state', msg: stateMsg({seq: 2, scenario: {memories: [[0.9, 0.1], [0, 1]], beta: 20}})});
  assert.equal(chartsChanged(moved, s0), false, 'a moved memory before its epoch: the same curves');
  const hover = reduce(s0, {type: 'hover', hover: {space: 'input', x: 0, y: 0}});
  assert.equal(chartsChanged(hover, s0), false);
  const drawn = reduce(s0, {type: 'drawn', frame: {seq: 1}});
  assert.equal(chartsChanged(drawn, s0), false, 'painting a frame');
});

test('new metrics, white shares, iteration, epoch or optimum draw the charts', () => {
  const s0 = reduce(initialState(), {type: 'state', msg: stateMsg()});
  const cases = [
    ['metrics', {type: 'metrics', msg: {type: 'metrics', epoch: 1, from: 0, loss: [1], deltaMin: [0.1], minAngleDeg: [10]}}],
    ['white shares', {type: 'frame', frame: {seq: 1, epoch: 1, t: 4, views: [{space: 'input', panels: [{unlabeledFraction: 0.2}]}], separations: ['softmax']}}],
    ['iteration', {type: 'state', msg: stateMsg({seq: 2, t: 5})}],
    ['epoch', {type: 'state', msg: stateMsg({seq: 2, epoch: 2})}],
    ['optimum', {type: 'state', msg: stateMsg({seq: 2, optimum: {dim: 3, m: 8, angleDeg: 74.9}})}],
  ];
  for (const [what, action] of cases) {
    assert.equal(chartsChanged(reduce(s0, action), s0), true, what);
  }
  const coarse = reduce(s0, {type: 'frame', frame: {seq: 1, epoch: 1, t: 4, coarse: true, views: [{space: 'input', panels: [{unlabeledFraction: 0.2}]}], separations: ['softmax']}});
  assert.equal(chartsChanged(coarse, s0), false, 'a coarse frame records no white share');
});

test('the white-share chart says how many played iterations came from coarser grids', () => {
  assert.equal(coarseNoteText(new Set()), '');
  assert.equal(coarseNoteText(undefined), '');
  assert.match(coarseNoteText(new Set([3])), /^· 1 played iteration measured on a coarser grid/);
  assert.match(coarseNoteText(new Set([3, 4])), /2 played iterations/);
});
