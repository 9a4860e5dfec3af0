// Unit tests of permalink.js (node --test): a link gives back the scenario
// and the page settings it was made from, and a bad link is reported, not
// guessed at. Only the pure functions: bindPermalink needs a page.

import assert from 'node:assert/strict';
import {test} from 'node:test';

import {LINK_VERSION, decodeLink, encodeLink, hashFor, linkPayload, readHash, showFromLink} from './permalink.js';

// A scenario as the server's state message carries it, with what JSON
// links must survive: non-ASCII text, small and large numbers, nulls,
// nesting.
const scenario = {
  memories: [[1, 0], [0.9848077530122081, 0.17364817766693033], [-0.5, 1e-7]],
  normalizeMemories: true,
  beta: 1.1111111111111112,
  separations: ['softmax', 'entmax15', 'sparsemax'],
  featureMap: {dim: 2, affine: true, init: 'random', seed: 9007199254740992},
  uhop: {iterations: 150, optimizer: 'adam', lr: 0.02, momentum: 0, tau: 0.1, loss: 'pairs'},
  retrieval: {steps: 5, tolerance: 0.001},
  view: {grid: {nx: 128, ny: 128, xmin: -1.5, xmax: 1.5, ymin: -1.5, ymax: 1.5, margin: 0.1}},
  ui: {note: 'β = 20, τ = 0.1: «clustered» 🧲', marks: [{t: 1, label: null}]},
};

test('encodeLink then decodeLink gives back the scenario and the ui', () => {
  const payload = {v: 2, scenario, ui: {views: ['input', 'feature'], speed: 10, show: 'basins', lesson: {hide: ['training'], lock: ['beta']}}};
  const link = encodeLink(payload);
  assert.match(link, /^[A-Za-z0-9_-]+$/, 'base64url without padding');
  assert.deepEqual(decodeLink(link), {version: 2, scenario: payload.scenario, ui: payload.ui});
});

test('links of version 1 (no v) still open, as they were', () => {
  // A link as the page wrote it before versions: no v, basinOpacity.
  const v1 = {scenario, ui: {views: ['input'], speed: 10, basinOpacity: 0.5}};
  assert.deepEqual(decodeLink(encodeLink(v1)), {version: 1, scenario, ui: v1.ui});
  assert.equal(showFromLink(decodeLink(encodeLink(v1)).ui, ['both', 'basins', 'energy']), 'both');
});

test('a link of a newer version, or of no version, is refused with the reason', () => {
  assert.throws(() => decodeLink(encodeLink({v: LINK_VERSION + 1, scenario})), /version 3, made by a newer hoplab/);
  for (const v of [0, -1, 1.5, '2', null]) {
    assert.throws(() => decodeLink(encodeLink({v, scenario})), /is not a version/, String(v));
  }
});

test('a link made from the state round-trips through the location hash', () => {
  const state = {
    server: {scenario, views: ['feature'], speed: 200, t: 150},
    ui: {show: 'energy', selected: 2, hover: null},
  };
  const payload = linkPayload(state);
  assert.equal(payload.v, LINK_VERSION);
  assert.equal(payload.scenario, scenario);
  assert.deepEqual(payload.ui.views, ['feature']);
  assert.equal(payload.ui.speed, 200);
  assert.equal(payload.ui.show, 'energy');
  assert.ok(!('preset' in payload.ui), 'the server, not the link, says which preset a scenario is');
  assert.ok(!('selected' in payload.ui), 'the selection is not part of a link');
  const errors = [];
  const got = readHash(`#s=${encodeLink(payload)}`, (m) => errors.push(m));
  assert.deepEqual(got, JSON.parse(JSON.stringify({version: LINK_VERSION, scenario: payload.scenario, ui: payload.ui})));
  assert.deepEqual(errors, []);
  assert.ok(!('lesson' in payload.ui), 'no lesson, no lesson in the link');
  assert.equal(hashFor(state), `#s=${encodeLink(payload)}`);
});

test('a lesson goes into the link; the tour writes its step instead', () => {
  const lesson = {hide: ['training', 'presets'], lock: ['beta']};
  const state = {server: {scenario, views: ['input'], speed: 10, t: 3}, ui: {show: 'both'}, lesson, tour: null};
  assert.deepEqual(linkPayload(state).ui.lesson, lesson);
  assert.deepEqual(readHash(hashFor(state), () => {}).ui.lesson, lesson);
  assert.equal(hashFor({...state, tour: 0}), '#tour=1');
  assert.equal(hashFor({...state, tour: 4}), '#tour=5');
});

test('long links are encoded in chunks and read back', () => {
  const big = {...scenario, memories: Array.from({length: 4000}, (_, i) => [Math.cos(i), Math.sin(i)])};
  const payload = {scenario: big, ui: {}};
  const link = encodeLink(payload);
  assert.ok(link.length > 4 * 0x8000, `the link (${link.length} characters) spans several chunks`);
  assert.deepEqual(decodeLink(link), {version: 1, ...payload});
});

test('a link without ui settings gives an empty ui', () => {
  assert.deepEqual(decodeLink(encodeLink({scenario: {memories: [[1, 0]]}})), {version: 1, scenario: {memories: [[1, 0]]}, ui: {}});
  assert.deepEqual(decodeLink(encodeLink({scenario: {memories: [[1, 0]]}, ui: 'fast'})).ui, {});
});

test('a hash that holds no link is not an error', () => {
  for (const hash of ['', '#', '#about', '#s=', '#s=abc def', '#t=eyJ9', undefined, null]) {
    const errors = [];
    assert.equal(readHash(hash, (m) => errors.push(m)), null, String(hash));
    assert.deepEqual(errors, [], String(hash));
  }
});

test('a bad link is reported with its reason and ignored', () => {
  const b64url = (text) => Buffer.from(text, 'utf8').toString('base64url');
  const cases = [
    ['not base64', '#s=A', /./],
    ['not JSON', `#s=${b64url('{"scenario": ')}`, /JSON|Unexpected|end/i],
    ['no scenario', `#s=${b64url('{"ui": {"speed": 10}}')}`, /the link holds no scenario/],
    ['a scenario that is not an object', `#s=${b64url('{"scenario": "clustered"}')}`, /the link holds no scenario/],
    ['null', `#s=${b64url('null')}`, /the link holds no scenario/],
    ['not UTF-8', `#s=${Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64url')}`, /./],
  ];
  for (const [name, hash, reason] of cases) {
    const errors = [];
    assert.equal(readHash(hash, (m) => errors.push(m)), null, name);
    assert.equal(errors.length, 1, name);
    assert.match(errors[0], /^The link's scenario cannot be read \(.+\); showing the default preset\.$/, name);
    assert.match(errors[0], reason, name);
  }
  assert.throws(() => decodeLink(b64url('[1, 2]')), /the link holds no scenario/);
  // A link pasted into an open page's address bar changes nothing: the
  // message says the scenario on show stays, not that the default comes.
  const errors = [];
  readHash(`#s=${b64url('{"v": 3, "scenario": {}, "ui": {}}')}`, (m) => errors.push(m), 'the scenario on show stays');
  assert.match(errors[0], /version 3, made by a newer hoplab .*; the scenario on show stays\.$/);
});

test('showFromLink reads show, and the basin opacity of links made before it', () => {
  const modes = ['both', 'basins', 'energy'];
  assert.equal(showFromLink({show: 'basins'}, modes), 'basins');
  assert.equal(showFromLink({show: 'heatmap'}, modes), null, 'an unknown mode is ignored');
  assert.equal(showFromLink({basinOpacity: 0}, modes), 'energy');
  assert.equal(showFromLink({basinOpacity: 0.45}, modes), 'both');
  assert.equal(showFromLink({basinOpacity: 7}, modes), null);
  assert.equal(showFromLink({}, modes), null);
});
