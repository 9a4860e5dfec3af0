import {test} from 'node:test';
import assert from 'node:assert/strict';
import {answer} from './testdata/answers.js';
import {CAPACITY_LIMITS, DEFAULTS, FIELDS, checkForm, estimateWork, exactInteger, fieldFor, parseField} from './capacityform.js';

const form = (more = {}) => ({...DEFAULTS, maps: [...DEFAULTS.maps], ...more});

test('checkForm: the defaults are the authors’ synthetic setting, sent as the stored request plus returnInputs', () => {
  const r = checkForm(form());
  assert.deepEqual(r.errors, {});
  assert.equal(r.inputs, true);
  const {returnInputs, ...rest} = r.request;
  assert.equal(returnInputs, true);
  assert.deepEqual(rest, answer('capacity-request'));
  assert.deepEqual(r.request.uhop, {iterations: 20, optimizer: 'adam', lr: 1, tau: 0.1, loss: 'paper'});
  assert.equal(r.request.featureMap.init, 'torchLinear');
  assert.deepEqual([r.request.memories.gaussian.count, r.request.memories.gaussian.dim, r.request.featureMap.dim, r.request.beta, r.request.retrieval.steps, r.request.queries.gaussian.count], [10, 5, 5, 1, 20, 1000]);
});

test('estimateWork: the numbers docs/api.md gives for its examples', () => {
  const big = {m: 1024, d: 64, k: 64, q: 1e5, steps: 5, normalizeFeatures: false};
  // "Q = 100000 queries · 5 steps · 1 maps over M = 1024 memories (d = 64, D_Φ = 64), and 0 U-Hop+ steps, would take about 180 CPU-seconds"
  assert.equal((estimateWork({...big, iterations: 0, separations: ['softmax']}) / 1e9).toPrecision(3), '180');
  // "estimated 192 CPU-s for softmax and 301 for 1.5-entmax or sparsemax" with 20 U-Hop+ steps
  assert.equal(Math.round(estimateWork({...big, iterations: 20, separations: ['softmax']}) / 1e9), 191);
  assert.equal(Math.round(estimateWork({...big, iterations: 20, separations: ['sparsemax']}) / 1e9), 300);
  // "the same with Q = 9000 queries and sparsemax (estimated 38 CPU-s)"
  assert.equal(Math.round(estimateWork({...big, q: 9000, iterations: 20, separations: ['sparsemax']}) / 1e9), 38);
  // α-entmax costs 3000 + 2M per memory.
  const a = estimateWork({m: 10, d: 5, k: 5, q: 1, steps: 1, iterations: 0, separations: ['entmax:1.25'], normalizeFeatures: false});
  const s = estimateWork({m: 10, d: 5, k: 5, q: 1, steps: 1, iterations: 0, separations: ['softmax'], normalizeFeatures: false});
  assert.equal(a - s, (1 + 10) * 2 * 10 * (3020 - 8.25));
});

test('parseField: every field refuses text, fractions of integers and values beyond its bounds, with the bound in the message', () => {
  for (const f of FIELDS) {
    assert.match(parseField(f, 'x').error, /is not a number/);
    assert.match(parseField(f, String(f.max * 2 + 1)).error, /must be at most/, f.name);
    if (f.int) assert.match(parseField(f, '2.5').error, /whole number/, f.name);
    if (!f.optional) assert.match(parseField(f, ' ').error, /is empty/, f.name);
    assert.equal(parseField(f, String(f.max)).value, f.max, f.name);
  }
  const beta = FIELDS.find((f) => f.name === 'beta');
  assert.equal(parseField(beta, '0').error, 'β must be greater than 0.');
  assert.equal(parseField(beta, '2e6').error, 'β must be at most 1e6.');
  const alpha = FIELDS.find((f) => f.name === 'alpha');
  assert.deepEqual(parseField(alpha, ''), {value: null});
  assert.equal(parseField(alpha, '1').error, 'α of an added α-entmax must be at least 1.001.');
  const seed = FIELDS.find((f) => f.name === 'memorySeed');
  assert.equal(parseField(seed, String(2 ** 53 + 2)).error, 'The memories’ seed must be at most 2^53.');
});

test('checkForm: the limits that join fields (Q·d, training work, trajectory, a job’s work) and the maps', () => {
  assert.match(checkForm(form({q: '1000000', d: '9'})).errors.q, /query values; at most 8388608/);
  assert.match(checkForm(form({m: '1024', d: '512', k: '64'})).errors.m, /training work/);
  assert.match(checkForm(form({d: '512', k: '512', m: '2'})).errors.k, /trajectory/);
  assert.match(checkForm(form({m: '1024', d: '64', k: '64', q: '100000'})).errors.q, /CPU-seconds, beyond a job's 400/);
  assert.equal(checkForm(form({maps: []})).errors.maps, 'Tick at least one map, or give an α.');
  const alphaOnly = checkForm(form({maps: [], alpha: '1.25'}));
  assert.deepEqual(alphaOnly.request.separations, ['entmax:1.25']);
  assert.deepEqual(checkForm(form({alpha: '3'})).request.separations, ['softmax', 'entmax15', 'sparsemax', 'entmax:3']);
  // At the limit of returned numbers, (M + Q)·d, the inputs are no longer asked for.
  const over = checkForm(form({q: String(CAPACITY_LIMITS.maxTrajectoryValues / 4), d: '4', m: '10'}));
  assert.equal(over.inputs, false);
  assert.equal('returnInputs' in over.request, false);
  // A job within its limit: M = 1024, d = 64, Q = 10⁴, sparsemax alone.
  const ok = checkForm(form({m: '1024', d: '64', k: '64', q: '10000', maps: ['sparsemax']}));
  assert.deepEqual(ok.errors, {});
  assert.ok(ok.work > 4e10 && ok.work < 4e11, String(ok.work));
});

test('fieldFor: the server’s error fields land on the form’s boxes', () => {
  assert.equal(fieldFor('queries.gaussian.count'), 'q');
  assert.equal(fieldFor('memories.gaussian.dim'), 'd');
  assert.equal(fieldFor('memories.gaussian.count'), 'm');
  assert.equal(fieldFor('separations[3]'), 'alpha');
  assert.equal(fieldFor('featureMap.dim'), 'k');
  assert.equal(fieldFor('featureMap.seed'), 'mapSeed');
  assert.equal(fieldFor('uhop.lr'), null);
  assert.equal(fieldFor(undefined), null);
});

test('parseField reads integers digit by digit: 2^53 + 1 and beyond are refused, not rounded to 2^53; fractions that round to whole numbers too', () => {
  const seed = FIELDS.find((f) => f.name === 'memorySeed');
  assert.deepEqual(parseField(seed, '9007199254740992'), {value: 2 ** 53});
  assert.deepEqual(parseField(seed, '9007199254740993'), {error: 'The memories’ seed must be at most 2^53.'});
  assert.deepEqual(parseField(seed, '9007199254740992.5'), {error: 'The memories’ seed must be a whole number.'});
  assert.deepEqual(parseField(seed, '18446744073709551615'), {error: 'The memories’ seed must be at most 2^53.'});
  assert.deepEqual(parseField(seed, '9.007199254740993e15'), {error: 'The memories’ seed must be at most 2^53.'});
  assert.deepEqual(parseField(seed, '1e99'), {error: 'The memories’ seed must be at most 2^53.'});
  assert.deepEqual(parseField(seed, '4.2e1'), {value: 42});
  assert.deepEqual(parseField(seed, '0.0'), {value: 0});
  const m = FIELDS.find((f) => f.name === 'm');
  assert.deepEqual(parseField(m, '2.0000000000000001'), {error: 'Memories M must be a whole number.'});
  assert.deepEqual(parseField(m, '-1e40'), {error: 'Memories M must be at least 1.'});
  assert.equal(exactInteger('9007199254740993'), 9007199254740993n);
  assert.equal(exactInteger('12.50e1'), 125n);
  assert.equal(exactInteger('1.25e1'), 'fraction');
  assert.equal(exactInteger('1e-99999999'), 'fraction');
  assert.equal(exactInteger('1e31'), 'huge');
  // checkForm: the request never carries a seed other than the one typed.
  const r = checkForm(form({querySeed: '9007199254740993'}));
  assert.equal(r.request, undefined);
  assert.equal(r.errors.querySeed, 'The queries’ seed must be at most 2^53.');
});
