import {test} from 'node:test';
import assert from 'node:assert/strict';
import {answer} from './testdata/answers.js';
import {capacityModel} from './capacitymodel.js';
import {capacityCaption, capacitySettings, geometryText, staleNote, tableNote, thresholdText, verdict} from './capacitycaption.js';

const request = answer('capacity-request');

// variant returns the stored answer with its geometry and its unit-feature
// histograms replaced: per map, singles of the q = 1000 queries at k = 1,
// the rest at k = 4.
function variant({before, after, normalizedSingles}) {
  const a = answer('capacity');
  a.geometry = {before: {iteration: 0, ...before}, after: {iteration: 20, ...after}};
  if (normalizedSingles !== undefined) {
    for (const c of a.capacity) {
      c.kernelizedNormalized = new Array(11).fill(0);
      c.kernelizedNormalized[1] = normalizedSingles;
      c.kernelizedNormalized[4] = 1000 - normalizedSingles;
    }
  }
  return capacityModel(a, request);
}

test('capacityCaption at the authors’ setting: mixtures raw, single memories kernelized, the angle fell while the lengths grew tenfold, so the lengths did it', () => {
  const m = capacityModel(answer('capacity'), request);
  const c = capacityCaption(m, false);
  assert.match(c, /Without a feature map \(raw\), single memories: softmax 0\.0 %, 1\.5-entmax 0\.0 % and sparsemax 0\.0 %; most queries end in mixtures of k = 10, 7 and 3 memories/);
  assert.match(c, /kernelized model ends on single memories for softmax 100\.0 %, 1\.5-entmax 100\.0 % and sparsemax 100\.0 %/);
  assert.match(c, /The smallest angle between two features fell from 17\.1° to 14\.0°, while their mean length grew 9\.6-fold, from 1\.28 to 12\.3\./);
  assert.match(c, /come mostly from the features growing longer .*roughly 93 times larger.*not from better separated directions: the minimal angle even fell\./);
  assert.match(c, /With unit features \(only their directions count\): softmax 0\.0 %/);
  assert.match(c.split('\n').pop(), /unnormalised features; the switch shows unit features/);
  assert.match(capacityCaption(m, true).split('\n').pop(), /with unit features \(retrieval\.normalizeFeatures\)/);
  assert.equal(verdict(m).kind, 'lengths');
});

test('verdict and geometryText follow the numbers: a larger angle with the gain kept by unit features is the directions', () => {
  const m = variant({before: {minAngleDeg: 10, meanFeatureNorm: 1}, after: {minAngleDeg: 30, meanFeatureNorm: 1.01}, normalizedSingles: 900});
  const g = geometryText(m);
  assert.deepEqual([g.angle, g.norm], ['rose', 'stayed']);
  assert.equal(g.sentence, 'The smallest angle between two features rose from 10.0° to 30.0°, while their mean length stayed about 1.01.');
  const v = verdict(m);
  assert.equal(v.kind, 'directions');
  assert.doesNotMatch(v.sentence, /although/);
  // The gain kept although the closest pair came closer.
  assert.match(verdict(variant({before: {minAngleDeg: 20, meanFeatureNorm: 1}, after: {minAngleDeg: 15, meanFeatureNorm: 3}, normalizedSingles: 800})).sentence, /although the closest pair’s angle fell/);
  // Lengths, with an angle that rose: no "even fell".
  const l = verdict(variant({before: {minAngleDeg: 10, meanFeatureNorm: 1}, after: {minAngleDeg: 12, meanFeatureNorm: 5}, normalizedSingles: 100}));
  assert.equal(l.kind, 'lengths');
  assert.match(l.sentence, /roughly 25 times larger\), not from better separated directions\. With unit/);
});

test('verdict: no gain, a loss, and one memory (no angle)', () => {
  const a = answer('capacity');
  for (const c of a.capacity) c.kernelized = [...c.raw];
  assert.equal(verdict(capacityModel(a, request)).kind, 'none');
  for (const c of a.capacity) {
    c.raw = [0, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    c.kernelized = [0, 0, 1000, 0, 0, 0, 0, 0, 0, 0, 0];
  }
  assert.equal(verdict(capacityModel(a, request)).kind, 'loss');
  const one = variant({before: {minAngleDeg: null, meanFeatureNorm: 1}, after: {minAngleDeg: null, meanFeatureNorm: 0.5}});
  const g = geometryText(one);
  assert.deepEqual([g.angle, g.norm], [null, 'shrank']);
  assert.match(g.sentence, /^With one memory there is no angle between features, while their mean length shrank 2-fold/);
});

test('capacitySettings: every setting of the run, the inputs as asked', () => {
  const m = capacityModel(answer('capacity'), request);
  const rows = Object.fromEntries(capacitySettings(m).rows);
  assert.match(rows.memories, /M = 10 of length d = 5.*seed 42/);
  assert.match(rows.queries, /Q = 1000.*seed 7/);
  assert.match(rows['feature map'], /torchLinear.*seed 3/);
  assert.equal(rows['U-Hop+'], '20 steps, Adam, learning rate 1, τ = 0.1, the authors’ loss (“paper”)'.replace('authors’', "authors'"));
  assert.equal(rows.inputs, 'not asked for');
});

// zeroModel is the stored answer with softmax's raw histogram all at
// k = 0 (M = 200, softmax: no weight above 1 %), as a tester saw it.
function zeroModel(maps) {
  const a = answer('capacity');
  a.capacity = a.capacity.filter((c) => maps.includes(c.separation));
  for (const c of a.capacity) {
    if (c.separation === 'softmax') {
      c.raw = new Array(11).fill(0);
      c.raw[0] = 1000;
    }
  }
  return capacityModel(a, {...request, separations: maps});
}

test('capacityCaption says what k = 0 is, in words, with the threshold of the request, never "mixtures of k = 0 memories"', () => {
  const one = capacityCaption(zeroModel(['softmax']), false);
  assert.doesNotMatch(one, /mixtures? of k = 0/);
  assert.match(one, /the most common k: softmax k = 0, a broad mixture of many memories in which none gets more than 1 % of the weight\./);
  const three = capacityCaption(zeroModel(['softmax', 'entmax15', 'sparsemax']), false);
  assert.match(three, /the most common k per map: softmax k = 0, a broad mixture of many memories in which none gets more than 1 % of the weight; 1\.5-entmax k = 7; sparsemax k = 3\./);
  // The threshold is the request's.
  const m = zeroModel(['softmax']);
  assert.match(capacityCaption({...m, supportEps: 0.05}, false), /none gets more than 5 % of the weight/);
  assert.equal(thresholdText(0.001), '0.1 %');
});

test('tableNote explains the row k = 0 when the table has one, and only then', () => {
  const z = tableNote(zeroModel(['softmax']), 'kernelized');
  assert.match(z, /^Percent of the 1000 queries whose final state mixes k memories \(k counts the weights above 1 % for softmax, above 0 for the others\); kernelized beside raw/);
  assert.match(z, /The row k = 0: no memory gets more than 1 % of the softmax weight \(retrieval\.supportEps = 0\.01\), so the final state is a broad mixture of many memories, none of which is counted\.$/);
  const m = capacityModel(answer('capacity'), request);
  assert.ok(!m.ks.includes(0));
  assert.doesNotMatch(tableNote(m, 'kernelized'), /k = 0/);
});

test('staleNote: the result shown is labelled previous, with its settings, unless it is the form’s', () => {
  const m = capacityModel(answer('capacity'), request);
  const req = {...request, returnInputs: true};
  assert.equal(staleNote(m, req, {...request}, 'done'), '', 'returnInputs aside, the same request');
  assert.equal(staleNote(null, null, undefined, 'waiting'), '');
  const other = {...request, queries: {gaussian: {count: 20000, seed: 7}}};
  assert.equal(staleNote(m, req, other, 'cancelled'),
    'Previous result, for M = 10, d = 5, D_Φ = 5, β = 1, Q = 1000, softmax, 1.5-entmax and sparsemax, seeds 42, 7 and 3 (memories, queries, map): the new job was cancelled; the table, chart and caption below are not the form’s settings.'.replace('form’s', "form's"));
  assert.match(staleNote(m, req, other, 'running'), /: a new job is running;/);
  assert.match(staleNote(m, req, other, 'failed'), /: the new job failed;/);
  assert.match(staleNote(m, req, other, 'done'), /: the form has other settings;/);
  assert.match(staleNote(m, req, undefined, 'done'), /^Previous result, for M = 10/, 'a form with errors is not the result’s');
  // Cancelled with the same settings: the result shown is the form's.
  assert.equal(staleNote(m, req, request, 'cancelled'), '');
});
