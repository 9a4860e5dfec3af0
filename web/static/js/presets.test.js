// Unit tests of presets.js's caption (node --test): the caption under the
// presets always describes the scenario on show, whatever replaced it.

import assert from 'node:assert/strict';
import {test} from 'node:test';

import {captionFor} from './presets.js';
import {scenarioKey} from './store.js';

const hello = {presets: [{name: 'basins', title: 'Basins of attraction figure', description: 'The paper’s figure.'}, {name: 'clustered', title: 'Clustered memories', description: 'Eight memories.'}]};
const sc = (beta, d = 2, k = d) => ({memories: [Array(d).fill(1), Array(d).fill(0).map((_, j) => (j === 0 ? 0 : 1))], beta, featureMap: {dim: k}, uhop: {iterations: 0}});
const state = (server, origin, lesson = null) => ({hello, server, origin, lesson});

test('a preset on show: its caption', () => {
  const c = captionFor(state({preset: 'clustered', scenario: sc(20)}, {kind: 'preset', name: 'clustered', key: null, seq: 0}));
  assert.deepEqual(c, {kind: 'preset', text: 'Clustered memories: Eight memories.'});
});

test('an imported file, a link, a lesson link: where the scenario came from and its size', () => {
  const file = sc(3, 3, 2);
  assert.deepEqual(captionFor(state({preset: null, scenario: file}, {kind: 'file', name: 'm.csv', key: scenarioKey(file), seq: 5})), {kind: 'file', text: 'Imported from m.csv: 2 memories, d = 3, D_Φ = 2.'});
  const link = sc(3);
  assert.deepEqual(captionFor(state({preset: null, scenario: link}, {kind: 'link', key: scenarioKey(link), seq: 1})), {kind: 'link', text: 'Opened from a link: 2 memories, d = 2.'});
  assert.deepEqual(captionFor(state({preset: null, scenario: link}, {kind: 'link', key: scenarioKey(link), seq: 1}, {hide: ['play'], lock: []})), {kind: 'link', text: 'Opened from a lesson link: 2 memories, d = 2.'});
  // At another iteration it is the same scenario.
  const later = {...link, uhop: {iterations: 9}};
  assert.equal(captionFor(state({preset: null, scenario: later}, {kind: 'link', key: scenarioKey(link), seq: 1})).kind, 'link');
});

test('edited: the caption says it is the user\'s own, changed from where it came', () => {
  const edited = sc(4);
  assert.deepEqual(captionFor(state({preset: null, scenario: edited}, {kind: 'preset', name: 'clustered', key: null, seq: 0})), {kind: 'own', text: 'Your own scenario, changed from “Clustered memories”: 2 memories, d = 2. Choose a preset to read its caption.'});
  assert.deepEqual(captionFor(state({preset: null, scenario: edited}, {kind: 'file', name: 'm.csv', key: scenarioKey(sc(3)), seq: 5})), {kind: 'own', text: 'Your own scenario, changed since it was imported from m.csv: 2 memories, d = 2. Choose a preset to read its caption.'});
  assert.deepEqual(captionFor(state({preset: null, scenario: edited}, {kind: 'link', key: scenarioKey(sc(3)), seq: 5})), {kind: 'own', text: 'Your own scenario, changed since it was opened from a link: 2 memories, d = 2. Choose a preset to read its caption.'});
  assert.deepEqual(captionFor(state({preset: null, scenario: sc(1)}, null)), {kind: 'own', text: 'Your own scenario: 2 memories, d = 2. Choose a preset to read its caption.'});
  const one = {memories: [[1, 0]], uhop: {iterations: 0}};
  assert.match(captionFor(state({preset: null, scenario: one}, null)).text, /: 1 memory, d = 2\./);
});

test('a load on its way leaves the caption as it is; no session, no caption', () => {
  assert.equal(captionFor(state({preset: null, scenario: sc(3)}, {kind: 'file', name: 'm.csv', key: null, seq: 5, prev: null})), null);
  assert.deepEqual(captionFor({hello, server: null, origin: null, lesson: null}), {kind: 'none', text: ''});
});
