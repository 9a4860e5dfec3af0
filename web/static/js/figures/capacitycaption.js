// capacitycaption.js: the capacity lab's caption and settings table,
// written from the numbers the server computed: how many queries end on
// one memory in each model, the minimal angle and the mean length of the
// features before and after U-Hop+, and what these say together (docs/
// science.md, "Two effects in one number"). Pure: no DOM; tested with
// node --test.

import {betaText, deg, num, optimizerText, pct} from './captions.js';
import {CAPACITY_LIMITS} from './capacityform.js';
import {modeK, single} from './capacitymodel.js';

/** A change of the single-memory share below this (5 points) counts as none. */
export const SHARE_STEP = 0.05;

/** A change of the minimal angle below this, in degrees, counts as none. */
export const ANGLE_STEP = 0.05;

function listWords(list) {
  return list.length < 2 ? list.join('') : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

// shares writes the single-memory share of model key per map: "softmax
// 0.0 %, 1.5-entmax 0.0 % and sparsemax 0.0 %".
function shares(model, key) {
  return listWords(model.maps.map((c) => `${c.label} ${pct(single(c, key, model.q))}`));
}

// mean is the mean single-memory share of model key over the maps.
function mean(model, key) {
  return model.maps.reduce((s, c) => s + single(c, key, model.q), 0) / model.maps.length;
}

/**
 * thresholdText writes the softmax threshold of k as a share: "1 %"
 * (retrieval.supportEps = 0.01: a weight counts when it exceeds it).
 * @param {number} eps model.supportEps
 */
export function thresholdText(eps) {
  return `${Number((100 * eps).toPrecision(6))} %`;
}

/**
 * zeroText says in words what k = 0 means: softmax gave no memory more
 * than the threshold, so the final state is a broad mixture of many
 * memories, none of them counted.
 * @param {number} eps model.supportEps
 */
export function zeroText(eps) {
  return `k = 0: no memory gets more than ${thresholdText(eps)} of the softmax weight (retrieval.supportEps = ${eps}), so the final state is a broad mixture of many memories, none of which is counted`;
}

// modes says where most queries end in model key: "most queries end in
// mixtures of k = 10, 7 and 3 memories" (one k per map, in the maps'
// order); when a map's most common k is 0, per map, with k = 0 in words.
function modes(model, key) {
  const ks = model.maps.map((c) => modeK(c, key));
  if (ks.every((k) => k === 1)) return 'most queries end on single memories';
  if (!ks.includes(0)) return `most queries end in mixtures of k = ${listWords(ks.map(String))} memories (the most common k per map)`;
  const per = model.maps.map((c, i) => (ks[i] === 0
    ? `${c.label} k = 0, a broad mixture of many memories in which none gets more than ${thresholdText(model.supportEps)} of the weight`
    : `${c.label} k = ${ks[i]}`));
  return `the most common k${model.maps.length > 1 ? ' per map' : ''}: ${per.join('; ')}`;
}

/**
 * geometryText says how the minimal angle and the mean feature length
 * moved from t = 0 to t = N: {angle, norm, ratio, sentence}; angle is
 * 'rose', 'fell', 'stayed' or null (fewer than 2 memories).
 * @param {object} model capacityModel
 */
export function geometryText(model) {
  const {before, after} = model.geometry;
  const ratio = after.meanFeatureNorm / before.meanFeatureNorm;
  let angle = null;
  let a = 'With one memory there is no angle between features';
  if (before.minAngleDeg !== null && after.minAngleDeg !== null) {
    const da = after.minAngleDeg - before.minAngleDeg;
    angle = Math.abs(da) < ANGLE_STEP ? 'stayed' : da > 0 ? 'rose' : 'fell';
    a = angle === 'stayed'
      ? `The smallest angle between two features stayed at ${deg(after.minAngleDeg)}`
      : `The smallest angle between two features ${angle} from ${deg(before.minAngleDeg)} to ${deg(after.minAngleDeg)}`;
  }
  const norm = ratio >= 1.05 ? 'grew' : ratio <= 0.95 ? 'shrank' : 'stayed';
  const n = norm === 'stayed'
    ? `their mean length stayed about ${num(after.meanFeatureNorm, 3)}`
    : `their mean length ${norm} ${num(norm === 'shrank' ? 1 / ratio : ratio, 2)}-fold, from ${num(before.meanFeatureNorm, 3)} to ${num(after.meanFeatureNorm, 3)}`;
  return {angle, norm, ratio, sentence: `${a}, while ${n}.`};
}

/**
 * verdict says where the kernelized model's single memories come from,
 * from the mean single-memory shares over the maps (raw, kernelized,
 * unit features) and the geometry: {kind, sentence}, kind one of
 * 'lengths' (most of the gain goes with unit features), 'directions'
 * (most of it stays), 'none' (no gain of 5 points) or 'loss'.
 * @param {object} model capacityModel with the unit-feature histograms
 */
export function verdict(model) {
  const g = geometryText(model);
  const sr = mean(model, 'raw');
  const sk = mean(model, 'kernelized');
  const sn = model.hasNormalized ? mean(model, 'kernelizedNormalized') : NaN;
  const gain = sk - sr;
  if (gain <= -SHARE_STEP) return {kind: 'loss', sentence: 'After U-Hop+ fewer queries end on one memory than without a map.'};
  if (gain < SHARE_STEP) return {kind: 'none', sentence: 'U-Hop+ moved the share of single memories by less than 5 points.'};
  if (!Number.isFinite(sn)) return {kind: 'unknown', sentence: ''};
  if (sn - sr <= gain / 2) {
    const how = g.norm === 'grew'
      ? `the features growing longer (the scores β‖Φ(ξ)‖‖Φ(q)‖cos θ grow as if β were roughly ${num(g.ratio * g.ratio, 2)} times larger)`
      : 'the lengths of the features';
    const tail = g.angle === 'fell' ? ': the minimal angle even fell.' : g.angle === 'stayed' ? ': the minimal angle did not move.' : '.';
    return {kind: 'lengths', sentence: `So the kernelized model's single memories come mostly from ${how}, not from better separated directions${tail} With unit features most of the gain is gone.`};
  }
  const tail = g.angle === 'fell' ? ', although the closest pair’s angle fell' : '';
  return {kind: 'directions', sentence: `With unit features most of the gain stays: the directions of the features, as U-Hop+ left them, account for most of it${tail}.`};
}

/**
 * capacityCaption writes the caption: the setting, the single-memory
 * shares of each model per map, the geometry, what they mean together,
 * and which model the table and chart show. One paragraph a line.
 * @param {object} model capacityModel
 * @param {boolean} normalized whether the switch shows unit features
 */
export function capacityCaption(model, normalized) {
  const parts = [];
  parts.push(`${model.q} queries, M = ${model.m} memories in d = ${model.d} dimensions, D_Φ = ${model.k}, β = ${betaText(model.beta)}, ${model.steps} retrieval steps.`);
  parts.push(`Without a feature map (raw), single memories: ${shares(model, 'raw')}; ${modes(model, 'raw')}.`);
  parts.push(`After ${model.iterations} U-Hop+ steps the kernelized model ends on single memories for ${shares(model, 'kernelized')}.`);
  if (model.hasNormalized) parts.push(`With unit features (only their directions count): ${shares(model, 'kernelizedNormalized')}.`);
  const v = verdict(model);
  parts.push(`${geometryText(model).sentence}${v.sentence ? ` ${v.sentence}` : ''}`);
  const undef = model.maps.reduce((s, c) => s + Object.values(c.undefined).reduce((a, b) => a + b, 0), 0);
  if (undef > 0) parts.push(`${undef} retrievals overflowed the float64 range and are counted in no bin (the table's last row).`);
  parts.push(normalized
    ? 'The table and chart compare raw with the kernelized model with unit features (retrieval.normalizeFeatures).'
    : "The table and chart compare raw with the kernelized model as the authors' kernelized_cccp runs it, on unnormalised features; the switch shows unit features.");
  return parts.join('\n');
}

/**
 * tableNote is the note over the table: what its cells are, and, when
 * the table has a row k = 0, what that row means.
 * @param {object} model capacityModel
 * @param {string} second the model beside raw, in words
 */
export function tableNote(model, second) {
  const base = `Percent of the ${model.q} queries whose final state mixes k memories (k counts the weights above ${thresholdText(model.supportEps)} for softmax, above 0 for the others); ${second} beside raw; the counts are in the CSV export.`;
  return model.ks.includes(0) ? `${base} The row ${zeroText(model.supportEps)}.` : base;
}

/**
 * capacitySettings returns the run's settings as {head, rows}, as the
 * figures' settingsTable does.
 * @param {object} model capacityModel
 */
export function capacitySettings(model) {
  const inputs = (model.m + model.q) * model.d;
  return {
    head: ['setting', 'value'],
    rows: [
      ['memories', `M = ${model.m} of length d = ${model.d}, standard normal from hoplab's generator (seed ${model.seeds.memories}), scaled to unit length`],
      ['queries', `Q = ${model.q}, standard normal (seed ${model.seeds.queries}), scaled to unit length`],
      ['β (inverse temperature)', betaText(model.beta)],
      ['separation maps', model.maps.map((c) => c.label).join(', ')],
      ['feature map', `affine Φ(x) = Wx + b, ${model.d} → ${model.k}, from the authors' initial map (torchLinear: Kaiming-normal W, nn.Linear's uniform bias; seed ${model.seeds.map})`],
      ['U-Hop+', `${model.iterations} steps, ${optimizerText(model.uhop)}`],
      ['retrieval', `${model.steps} synchronous updates per query; k counts the weights of the last p above ${num(model.supportEps)} (softmax) or above 0 (the others)`],
      ['unit features', 'computed in the same job (retrieval.normalizeFeatures): the switch redraws without asking the server again'],
      ['inputs', model.inputs ? 'returned with the answer (returnInputs), for the export'
        : inputs > CAPACITY_LIMITS.maxTrajectoryValues ? `not returned: (M + Q)·d = ${inputs} numbers, beyond the ${CAPACITY_LIMITS.maxTrajectoryValues} an answer may return` : 'not asked for'],
    ],
  };
}

/**
 * settingsLine writes the setting of the result shown in one line:
 * "M = 10, d = 5, D_Φ = 5, β = 1, Q = 1000, softmax, 1.5-entmax and
 * sparsemax, seeds 42, 7 and 3 (memories, queries, map)".
 * @param {object} model capacityModel
 */
export function settingsLine(model) {
  const s = model.seeds;
  return `M = ${model.m}, d = ${model.d}, D_Φ = ${model.k}, β = ${betaText(model.beta)}, Q = ${model.q}, ${listWords(model.maps.map((c) => c.label))}, seeds ${s.memories}, ${s.queries} and ${s.map} (memories, queries, map)`;
}

/**
 * staleNote says whether the result shown is not the form's: the form's
 * request (checked, returnInputs aside) is not the request of the result
 * shown, because a new job runs, was cancelled or failed, or the form was
 * edited since. It returns the label over the dimmed result, or '' when
 * the result is the form's.
 * @param {object|null} model capacityModel of the result shown
 * @param {object|null} shown the request of the result shown
 * @param {object|undefined} form the form's request (checkForm), undefined when the form has errors
 * @param {string} status the lab's state: 'done', 'running', 'cancelled', …
 */
export function staleNote(model, shown, form, status) {
  if (!model || !shown) return '';
  const same = form !== undefined && JSON.stringify({...form, returnInputs: undefined}) === JSON.stringify({...shown, returnInputs: undefined});
  if (same) return '';
  const why = status === 'cancelled' ? 'the new job was cancelled'
    : status === 'failed' ? 'the new job failed'
    : status === 'done' || status === 'waiting' ? 'the form has other settings'
    : 'a new job is running';
  return `Previous result, for ${settingsLine(model)}: ${why}; the table, chart and caption below are not the form's settings.`;
}
