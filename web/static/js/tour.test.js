// Unit tests of tour.js (node --test): the steps, the tour links, what a
// step sends and what leaving loads back. bindTour needs a page
// (e2e/teaching_test.go).

import assert from 'node:assert/strict';
import {test} from 'node:test';

import {restoreMessages, savedView, stepMessages, TOUR_STEPS, tourStepFromHash} from './tour.js';
import {SHOW_MODES, VIEW_ORDER} from './store.js';

test('6 to 8 steps, each short and each setting up a whole view', () => {
  assert.ok(TOUR_STEPS.length >= 6 && TOUR_STEPS.length <= 8, `${TOUR_STEPS.length} steps`);
  for (const s of TOUR_STEPS) {
    assert.ok(s.title && s.text.length >= 1, s.title);
    const words = s.text.join(' ').split(/\s+/).length;
    assert.ok(words <= 90, `${s.title}: ${words} words, want a short step`);
    assert.ok(typeof s.preset === 'string' && Number.isInteger(s.t) && s.t >= 0, s.title);
    assert.ok(s.views.length >= 1 && s.views.every((v) => VIEW_ORDER.includes(v)), s.title);
    assert.ok(SHOW_MODES.includes(s.show), s.title);
  }
  // The topics, in its order.
  const titles = TOUR_STEPS.map((s) => s.title.toLowerCase());
  for (const [k, word] of [[0, 'energy'], [1, 'basin'], [2, 'white'], [3, 'u-hop+'], [4, 'angle'], [5, 'entmax'], [6, 'feature']]) {
    assert.ok(titles[k].includes(word), `step ${k + 1} "${titles[k]}" is about ${word}`);
  }
});

test('tour links: #tour=N, clamped; anything else is not one', () => {
  assert.equal(tourStepFromHash('#tour=1'), 0);
  assert.equal(tourStepFromHash('#tour=3'), 2);
  assert.equal(tourStepFromHash('#tour'), 0);
  assert.equal(tourStepFromHash('#tour=0'), 0);
  assert.equal(tourStepFromHash('#tour=99'), TOUR_STEPS.length - 1);
  for (const h of ['', '#', '#s=abc', '#tour=x', '#tour=-1', '#tours=2', '#tour=2&x', null, undefined]) assert.equal(tourStepFromHash(h), null, String(h));
});

test('a step sends its preset, its iteration and its views, in that order', () => {
  assert.deepEqual(stepMessages({preset: 'clustered', t: 150, views: ['feature']}), [
    {type: 'preset', name: 'clustered'},
    {type: 'goto', t: 150},
    {type: 'views', views: ['feature']},
  ]);
  assert.deepEqual(stepMessages({preset: 'basins', t: 0, views: ['input', 'feature']}), [
    {type: 'preset', name: 'basins'},
    {type: 'views', views: ['input', 'feature']},
  ]);
});

test('leaving loads back the scenario at its iteration, the views, the speed', () => {
  const scenario = {memories: [[1, 0], [0, 1]], beta: 7, uhop: {iterations: 2}};
  const white = {epoch: 3, series: {'softmax|input': new Map([[0, 0.5]])}, coarse: new Set()};
  const state = {server: {scenario, views: ['input'], speed: 25, t: 2}, ui: {show: 'energy'}, unlabeled: white};
  const saved = savedView(state);
  assert.deepEqual(saved, {scenario, t: 2, views: ['input'], speed: 25, show: 'energy', white});
  assert.deepEqual(restoreMessages(saved), [
    {type: 'load', protocol: 1, scenario},
    {type: 'views', views: ['input']},
    {type: 'speed', itersPerSecond: 25},
  ]);
});
