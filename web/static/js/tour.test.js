// Unit tests of tour.js (node --test): the steps, the tour links, what a
// step sends and what leaving loads back. bindTour needs a page
// (e2e/teaching_test.go).

import assert from 'node:assert/strict';
import {test} from 'node:test';

import {decodeSaved, encodeSaved, invalidLinkText, restoreMessages, savedView, stepMessages, TOUR_STEPS, tourLink} from './tour.js';
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

test('tour links: #tour=N for a step of the tour; any other #tour=… is an invalid one', () => {
  const n = TOUR_STEPS.length;
  assert.deepEqual(tourLink('#tour=1'), {step: 0});
  assert.deepEqual(tourLink('#tour=3'), {step: 2});
  assert.deepEqual(tourLink('#tour=03'), {step: 2});
  assert.deepEqual(tourLink(`#tour=${n}`), {step: n - 1});
  assert.deepEqual(tourLink('#tour'), {step: 0});
  for (const v of ['0', String(n + 1), '9', '99', '-1', 'abc', '3x', '1.5', '', '+2', ' 2', '1e1', '999999999999999999999']) {
    assert.deepEqual(tourLink(`#tour=${v}`), {invalid: v}, v);
  }
  assert.deepEqual(tourLink('#tour=%C3%A9'), {invalid: 'é'}, 'percent-encoded, as the address bar writes it');
  assert.deepEqual(tourLink('#tour=%E0%A4%A'), {invalid: '%E0%A4%A'}, 'a broken escape is shown as it is');
  assert.deepEqual(tourLink('#tour=2', 1), {invalid: '2'}, 'the count of steps is a parameter');
  for (const h of ['', '#', '#s=abc', '#tours=2', '#tourist', null, undefined]) assert.equal(tourLink(h), null, String(h));
});

test('an invalid tour link is answered politely: the steps there are, and an offer', () => {
  assert.equal(invalidLinkText('9', 7), 'This link asks for step “9” of the guided tour, which has steps 1–7. Your scenario is unchanged. Start the tour at step 1?');
  assert.equal(invalidLinkText('', 7), 'This link asks for a step of the guided tour but names none; the tour has steps 1–7. Your scenario is unchanged. Start the tour at step 1?');
  assert.match(invalidLinkText('x'.repeat(200), 6), /“x{24}…” of the guided tour, which has steps 1–6/);
});

test('the saved view survives sessionStorage: encoded as text, decoded the same', () => {
  const scenario = {memories: [[1, 0], [0, 1]], beta: 7, uhop: {iterations: 2}};
  const white = {epoch: 3, series: {'softmax|input': new Map([[0, 0.5], [2, 0.25]]), 'sparsemax|feature': new Map([[1, 1]])}, coarse: new Set([1])};
  const saved = {scenario, t: 2, views: ['input'], speed: 25, show: 'energy', white, origin: {kind: 'file', name: 'm.csv', key: 'k', seq: 4}};
  const text = encodeSaved(saved);
  assert.equal(typeof text, 'string');
  assert.deepEqual(decodeSaved(text), saved);
  // Without the white shares (too large to keep), the rest still comes back.
  assert.deepEqual(decodeSaved(encodeSaved(saved, {white: false})), {...saved, white: null});
  for (const bad of [null, '', 'not json', '{}', '{"scenario": 1}', JSON.stringify({scenario, t: 'x', views: [], speed: 1, show: 'energy'})]) {
    assert.equal(decodeSaved(bad), null, String(bad));
  }
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
  const origin = {kind: 'file', name: 'm.csv', key: 'k', seq: 4};
  const state = {server: {scenario, views: ['input'], speed: 25, t: 2}, ui: {show: 'energy'}, unlabeled: white, origin};
  const saved = savedView(state);
  assert.deepEqual(saved, {scenario, t: 2, views: ['input'], speed: 25, show: 'energy', white, origin});
  assert.deepEqual(restoreMessages(saved), [
    {type: 'load', protocol: 1, scenario},
    {type: 'views', views: ['input']},
    {type: 'speed', itersPerSecond: 25},
  ]);
});
