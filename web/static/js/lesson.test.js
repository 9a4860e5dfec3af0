// Unit tests of lesson.js (node --test): what a lesson link says, how it
// is read back, and which actions it takes away. bindLesson needs a page
// (e2e/teaching_test.go).

import assert from 'node:assert/strict';
import {test} from 'node:test';

import {ACTION_CONTROLS, LESSON_CONTROLS, blocks, checkChoice, gateActions, lessonLink, lessonMode, lessonProblems, parseLesson} from './lesson.js';
import {decodeLink, encodeLink, LINK_VERSION} from './permalink.js';

test('the control names are the documented ones, each once', () => {
  const names = LESSON_CONTROLS.map((c) => c.name);
  assert.deepEqual(names, ['play', 'step', 'reset', 'reseed', 'speed', 'scrubber', 'presets', 'beta', 'separations', 'retrieval', 'training', 'grid', 'views', 'show', 'memories', 'probe', 'files']);
  for (const name of Object.values(ACTION_CONTROLS)) assert.ok(names.includes(name), name);
});

test('parseLesson keeps known names in order, hidden before locked, and drops the rest', () => {
  assert.deepEqual(parseLesson({hide: ['training', 'presets', 'training'], lock: ['beta', 'presets', 'warp-drive']}), {hide: ['presets', 'training'], lock: ['beta']});
  assert.deepEqual(parseLesson({lock: ['play']}), {hide: [], lock: ['play']});
  for (const raw of [null, undefined, 'hide everything', [], {}, {hide: 'beta'}, {hide: [], lock: []}, {hide: ['nothing-known']}, {hide: [1, null]}]) {
    assert.equal(parseLesson(raw), null, JSON.stringify(raw));
  }
});

test('lessonMode and blocks', () => {
  const lesson = {hide: ['presets'], lock: ['beta']};
  assert.equal(lessonMode(lesson, 'presets'), 'hide');
  assert.equal(lessonMode(lesson, 'beta'), 'lock');
  assert.equal(lessonMode(lesson, 'play'), 'show');
  assert.equal(lessonMode(null, 'beta'), 'show');
  assert.ok(blocks(lesson, 'presets') && blocks(lesson, 'beta') && !blocks(lesson, 'play') && !blocks(null, 'play'));
});

test('gateActions ignores the actions of hidden and locked controls, and only those', () => {
  const calls = [];
  const actions = {
    togglePlay: () => calls.push('play'),
    step: () => calls.push('step'),
    back: () => calls.push('back'),
    goto: (t) => calls.push(`goto ${t}`),
    removeSelected: () => (calls.push('remove'), true),
    load: (l) => calls.push(`load ${l}`),
  };
  let lesson = {hide: ['step'], lock: ['memories']};
  const gated = gateActions(actions, () => lesson);
  gated.togglePlay();
  assert.equal(gated.step(), false);
  assert.equal(gated.back(), false);
  gated.goto(3);
  assert.equal(gated.removeSelected(), false);
  gated.load('x');
  assert.deepEqual(calls, ['play', 'goto 3', 'load x']);
  lesson = null; // the lesson is read at every call
  gated.step();
  assert.equal(gated.removeSelected(), true);
  assert.deepEqual(calls.slice(3), ['step', 'remove']);
});

test('lessonLink carries the scenario at its iteration, the chosen maps, views and show, and the lesson', () => {
  const scenario = {memories: [[1, 0], [0, 1]], beta: 7, separations: ['softmax', 'entmax15', 'sparsemax'], uhop: {iterations: 4}};
  const server = {scenario, speed: 25};
  const choice = {modes: {play: 'show', training: 'hide', beta: 'lock', presets: 'hide'}, views: ['input'], maps: ['softmax', 'sparsemax'], show: 'basins'};
  const p = lessonLink(server, choice);
  assert.equal(p.v, LINK_VERSION);
  assert.deepEqual(p.scenario, {...scenario, separations: ['softmax', 'sparsemax']});
  assert.deepEqual(scenario.separations, ['softmax', 'entmax15', 'sparsemax'], 'the state is not changed');
  assert.deepEqual(p.ui, {views: ['input'], speed: 25, show: 'basins', lesson: {hide: ['presets', 'training'], lock: ['beta']}});
  const back = decodeLink(encodeLink(p));
  assert.equal(back.version, 2);
  assert.deepEqual(parseLesson(back.ui.lesson), p.ui.lesson);
  // Nothing hidden or locked: a plain link of the layout.
  assert.ok(!('lesson' in lessonLink(server, {...choice, modes: {play: 'show'}}).ui));
});

test('checkChoice wants a view and a map', () => {
  assert.equal(checkChoice({views: ['input'], maps: ['softmax']}), '');
  assert.match(checkChoice({views: [], maps: ['softmax']}), /view/);
  assert.match(checkChoice({views: ['feature'], maps: []}), /map/);
});

test('lessonProblems says what a link\'s lesson had that parseLesson left out', () => {
  assert.equal(lessonProblems(undefined), '');
  assert.equal(lessonProblems({hide: ['presets'], lock: ['play', 'beta']}), '');
  assert.equal(lessonProblems({}), '');
  assert.match(lessonProblems('play'), /not an object/);
  assert.match(lessonProblems(['play']), /not an object/);
  assert.match(lessonProblems({hide: ['presets'], lock: 'play'}), /^lock is not a list of control names$/);
  assert.match(lessonProblems({hide: ['presets', 'prestes', 7]}), /^hide names what is no control: “prestes”, “7”$/);
  const many = lessonProblems({hide: Array.from({length: 10000}, (_, i) => `x${i}`)});
  assert.match(many, /“x0”, “x1”, “x2”, “x3”, “x4” and 9995 more$/);
  assert.ok(many.length < 200, 'a huge list gives a short message');
  assert.match(lessonProblems({hide: [], lokc: []}), /“lokc” is neither hide nor lock/);
  assert.match(lessonProblems({hide: ['y'.repeat(5000)]}), /“y{24}…”/);
});
