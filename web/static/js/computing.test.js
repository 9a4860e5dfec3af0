import assert from 'node:assert/strict';
import {test} from 'node:test';

import {computingView} from './computing.js';

test('no computation: nothing to show', () => {
  assert.deepEqual(computingView(null), {active: false, text: '', fraction: 0});
  assert.deepEqual(computingView({computing: null}), {active: false, text: '', fraction: 0});
});

test('a recomputation shows its share done', () => {
  const v = computingView({computing: {t: 700, done: 21, total: 50, rebuild: true}});
  assert.equal(v.active, true);
  assert.equal(v.fraction, 0.42);
  assert.equal(v.text, 'recomputing the trajectory to t = 700: 42 % · pictures out of date');
});

test('an extension names its target; shares stay within 0 … 1', () => {
  assert.equal(computingView({computing: {t: 9, done: 0, total: 0, rebuild: false}}).text, 'computing up to t = 9: 0 % · pictures out of date');
  assert.equal(computingView({computing: {t: 9, done: 7, total: 5, rebuild: false}}).fraction, 1);
});
