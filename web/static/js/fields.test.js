// Unit tests of fields.js (node --test): the checks of typed numbers, the
// scenario paths and the mapping of server error fields to controls.

import assert from 'node:assert/strict';
import {test} from 'node:test';

import {CHOICE_FIELDS, checkNumber, controlFor, formatNumber, NUMBER_FIELDS, patchFor, valueAt} from './fields.js';

test('checkNumber accepts numbers within the domain', () => {
  const cases = [
    ['beta', '20', 20],
    ['beta', ' 1e6 ', 1e6],
    ['beta', '+.5', 0.5],
    ['beta', '3.', 3],
    ['beta', '2.5E-3', 0.0025],
    ['tau', '0.0001', 1e-4],
    ['tau', '1e4', 1e4],
    ['lr', '1000', 1000],
    ['momentum', '0', 0],
    ['steps', '1', 1],
    ['steps', '1e3', 1000],
    ['tolerance', '1e-9', 1e-9],
    ['seed', '9007199254740992', 2 ** 53],
    ['seed', '0', 0],
  ];
  for (const [name, text, value] of cases) {
    assert.deepEqual(checkNumber(name, text), {value}, `${name} ${JSON.stringify(text)}`);
  }
});

test('checkNumber refuses with a sentence naming the field', () => {
  const cases = [
    ['beta', '', 'β is empty; type a number.'],
    ['lr', '   ', 'The learning rate is empty; type a number.'],
    ['beta', 'abc', '"abc" is not a number.'],
    ['beta', '1e', '"1e" is not a number.'],
    ['beta', '0x10', '"0x10" is not a number.'],
    ['beta', 'Infinity', '"Infinity" is not a number.'],
    ['beta', '1,5', '"1,5" is not a number.'],
    ['beta', '12345678901234567890x', '"123456789012345…" is not a number.'],
    ['beta', '1e400', 'β must be finite.'],
    ['beta', '0', 'β must be greater than 0.'],
    ['beta', '-1', 'β must be greater than 0.'],
    ['beta', '2e6', 'β must be at most 1e6.'],
    ['tau', '0.00001', 'τ must be at least 0.0001.'],
    ['tau', '20000', 'τ must be at most 10000.'],
    ['lr', '0', 'The learning rate must be greater than 0.'],
    ['momentum', '-0.1', 'The momentum must be at least 0.'],
    ['steps', '2.5', 'The number of steps must be a whole number.'],
    ['steps', '0', 'The number of steps must be at least 1.'],
    ['tolerance', '0', 'The tolerance must be greater than 0.'],
    ['seed', '-1', 'The seed must be at least 0.'],
    ['seed', '1.5', 'The seed must be a whole number.'],
    ['seed', '1e17', 'The seed must be at most 9.007199254740992e15.'],
  ];
  for (const [name, text, error] of cases) {
    assert.deepEqual(checkNumber(name, text), {error}, `${name} ${JSON.stringify(text)}`);
  }
});

test("checkNumber takes its bounds from the server's limits when it sends them", () => {
  const limits = {maxBeta: 50, minTau: 0.5, maxTau: 2, maxLR: 1, maxMomentum: 0.9, maxRetrievalSteps: 20, maxTolerance: 0.1};
  assert.deepEqual(checkNumber('beta', '51', limits), {error: 'β must be at most 50.'});
  assert.deepEqual(checkNumber('beta', '50', limits), {value: 50});
  assert.deepEqual(checkNumber('tau', '0.4', limits), {error: 'τ must be at least 0.5.'});
  assert.deepEqual(checkNumber('tau', '3', limits), {error: 'τ must be at most 2.'});
  assert.deepEqual(checkNumber('lr', '1.5', limits), {error: 'The learning rate must be at most 1.'});
  assert.deepEqual(checkNumber('momentum', '0.95', limits), {error: 'The momentum must be at most 0.9.'});
  assert.deepEqual(checkNumber('steps', '21', limits), {error: 'The number of steps must be at most 20.'});
  assert.deepEqual(checkNumber('tolerance', '0.2', limits), {error: 'The tolerance must be at most 0.1.'});
  // A limit that is not a finite number falls back to the documented bound.
  assert.deepEqual(checkNumber('beta', '2e6', {maxBeta: 'big'}), {error: 'β must be at most 1e6.'});
  assert.deepEqual(checkNumber('beta', '2e6', {maxBeta: null}), {error: 'β must be at most 1e6.'});
});

test('every number field has a label, bounds and (but the seed) a scenario path', () => {
  for (const [name, f] of Object.entries(NUMBER_FIELDS)) {
    assert.equal(typeof f.label, 'string', name);
    assert.ok(f.min < f.max, name);
    if (name !== 'seed') assert.ok(Array.isArray(f.path) && f.path.length > 0, name);
    if (f.path) assert.equal(controlFor(f.path.join('.')), name, `an error about ${f.path.join('.')} is shown by ${name}`);
  }
  for (const [name, f] of Object.entries(CHOICE_FIELDS)) {
    assert.equal(controlFor(f.path.join('.')), name, `an error about ${f.path.join('.')} is shown by ${name}`);
  }
});

test('what a box shows is read back as the same number', () => {
  for (const [name, v] of [['beta', 20], ['beta', 1e6], ['beta', 1 / 0.9], ['tau', 1e-4], ['lr', 0.02], ['tolerance', 1e-3], ['steps', 5]]) {
    assert.deepEqual(checkNumber(name, formatNumber(v)), {value: v}, `${name} ${v}`);
  }
  assert.equal(formatNumber(1 / 3, 4), '0.3333');
  assert.equal(formatNumber(NaN), '');
  assert.equal(formatNumber(Infinity), '');
  assert.equal(formatNumber('3'), '');
});

test('patchFor and valueAt follow a scenario path', () => {
  assert.deepEqual(patchFor(['uhop', 'tau'], 0.5), {uhop: {tau: 0.5}});
  assert.deepEqual(patchFor(['beta'], 3), {beta: 3});
  assert.deepEqual(patchFor(['view', 'grid', 'xmin'], null), {view: {grid: {xmin: null}}});
  const sc = {beta: 20, uhop: {tau: 0.1, lr: 0}, featureMap: null};
  assert.equal(valueAt(sc, ['uhop', 'tau']), 0.1);
  assert.equal(valueAt(sc, ['uhop', 'lr']), 0);
  assert.equal(valueAt(sc, ['uhop', 'momentum']), undefined);
  assert.equal(valueAt(sc, ['featureMap', 'affine']), undefined);
  assert.equal(valueAt(sc, ['retrieval', 'steps']), undefined);
  assert.equal(valueAt(sc, []), sc);
});

test('controlFor names the control of an error field', () => {
  const cases = [
    ['beta', 'beta'],
    ['uhop.tau', 'tau'],
    ['scenario.uhop.tau', 'tau'],
    ['uhop.lr', 'lr'],
    ['uhop.momentum', 'momentum'],
    ['uhop.optimizer', 'optimizer'],
    ['uhop.loss', 'loss'],
    ['retrieval.steps', 'steps'],
    ['retrieval.tolerance', 'tolerance'],
    ['view.grid', 'grid'],
    ['view.grid.nx', 'grid'],
    ['view.grid.ny', 'grid'],
    ['separations', 'separations'],
    ['separations[2]', 'separations'],
    ['featureMap.affine', 'affine'],
    ['normalizeMemories', 'normalize'],
    ['views', 'views'],
    ['views[1]', 'views'],
    ['seed', 'seed'],
    // No control edits these.
    ['memories[0]', null],
    ['view.grid.xmin', null],
    ['uhop.iterations', null],
    ['betas', null],
    ['x.beta', null],
    ['', null],
    [undefined, null],
  ];
  for (const [field, control] of cases) {
    assert.equal(controlFor(field), control, String(field));
  }
});
