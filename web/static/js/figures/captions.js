// captions.js: each figure's settings table and caption, written from its
// scenarios and from the numbers the server computed, so that no sentence
// can drift from the picture. Pure: no DOM; tested with node --test.

import {energyScales} from './draw.js';
import {localMinima, sepLabel} from './model.js';

/** num writes v with at most `digits` significant digits, "−" for minus. */
export function num(v, digits = 4) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  const a = Math.abs(v);
  const s = a >= 1e5 || a < 1e-3 ? v.toExponential(digits - 1).replace(/e\+?/, '×10^') : String(Number(v.toPrecision(digits)));
  return s.replaceAll('-', '−');
}

/** deg writes an angle in degrees with one decimal. */
export function deg(v) {
  return Number.isFinite(v) ? `${v.toFixed(1)}°` : '–';
}

/** pct writes a share as a percentage with one decimal. */
export function pct(v) {
  return Number.isFinite(v) ? `${(100 * v).toFixed(1)} %` : '–';
}

/**
 * betaText writes β, with the temperature it comes from when 1/β is a
 * short decimal (β = 1/0.9 → "1.111 (1/0.9)").
 */
export function betaText(beta) {
  const t = 1 / beta;
  const short = Number(t.toPrecision(3));
  if (!Number.isInteger(beta) && Math.abs(short - t) < 1e-12 * t) return `${num(beta)} (1/${short})`;
  return num(beta);
}

// vec and mat write vectors and matrices that do not break inside a row
// (no-break spaces after their commas).
function vec(v) {
  return `(${v.map((x) => num(x, 3)).join(',\u00a0')})`;
}

function mat(m) {
  return `[${m.map((r) => r.map((x) => num(x, 3)).join(',\u00a0')).join('; ')}]`;
}

/** optimizerText writes the U-Hop+ settings of a scenario. */
export function optimizerText(u) {
  const opt = u.optimizer === 'sgd' ? `SGD, learning rate ${num(u.lr)}, momentum ${num(u.momentum)}` : `Adam, learning rate ${num(u.lr)}`;
  return `${opt}, τ = ${num(u.tau)}, ${u.loss === 'paper' ? "the authors' loss (“paper”)" : 'the pairs loss'}`;
}

function mapText(sc) {
  const k = sc.featureMap.dim;
  const d = sc.memories[0].length;
  return sc.featureMap.affine ? `affine Φ(x) = Wx + b, ${d} → ${k}` : `linear Φ(x) = Wx, ${d} → ${k}`;
}

function gridText(sc) {
  const g = sc.view.grid;
  const box = g.xmin !== undefined ? `[${num(g.xmin)}, ${num(g.xmax)}] × [${num(g.ymin)}, ${num(g.ymax)}]` : `the box of the plotted memories ± ${num(g.margin)}, recomputed for each row`;
  return `${g.nx} × ${g.ny} over ${box}`;
}

function rowsText(rows) {
  return `N = ${rows.map((r) => r.n).join(', ')} (N = 0: no feature map, the raw memories)`;
}

/**
 * settingsTable returns a figure's settings as {head, rows}: head names
 * the columns (one per memory count), rows are [setting, value, …].
 * @param {object} model energyModel, basinsModel or prop31Model
 */
export function settingsTable(model) {
  if (model.figure === 'prop31') return prop31Settings(model);
  const groups = model.subfigures ?? [model];
  const col = (f) => groups.map((g) => f(g));
  const sc = (g) => g.authors.scenario;
  const rows = [
    ['memories M', ...col((g) => String(g.m))],
    ['memories ξ_μ (unit length)', ...col((g) => sc(g).memories.map(vec).join(', '))],
    ['β (inverse temperature)', ...col((g) => betaText(sc(g).beta))],
    ['separation maps (columns)', ...col((g) => sc(g).separations.map(sepLabel).join(', '))],
    ['feature map', ...col((g) => mapText(sc(g)))],
    ['initial map W₀; b₀ (rows N ≥ 1)', ...col((g) => `${mat(sc(g).featureMap.W)}; ${vec(sc(g).featureMap.b)} (the authors')`)],
    ['U-Hop+', ...col((g) => optimizerText(sc(g).uhop))],
    ['rows', ...col((g) => rowsText(g.rows))],
    ['grid', ...col((g) => gridText(sc(g)))],
  ];
  if (model.figure === 'basins') {
    const r = sc(groups[0]).retrieval;
    rows.push(['retrieval', `${r.steps} synchronous updates per query; a cell takes memory μ's colour when it ends within ${num(r.tolerance)} of u_μ, white otherwise`]);
  }
  const head = ['setting', ...col((g) => `${g.m} memories`)];
  return {head, rows};
}

function prop31Settings(model) {
  const ms = model.plotted.map((r) => r.m);
  return {
    head: ['setting', 'value'],
    rows: [
      ['dimension D', String(model.dim)],
      ['numbers of points M', `${mSpans(ms)} (${ms.length} values, those of the authors' bound_simulation.py)`],
      ['best known codes', `${model.source}: the largest known smallest angle θ* of M points on the sphere, Δmin = 1 − cos θ*`],
      ['bounds', "Prop. 3.1's lower and upper bounds on Δmin of an optimal code, as the authors compute them"],
      ['y axis', 'logarithmic'],
    ],
  };
}

/** mSpans writes a sorted list of integers as runs: "4 … 50, 55 … 130 in steps of 5". */
export function mSpans(ms) {
  const parts = [];
  let i = 0;
  while (i < ms.length) {
    let j = i;
    const step = i + 1 < ms.length ? ms[i + 1] - ms[i] : 1;
    while (j + 1 < ms.length && ms[j + 1] - ms[j] === step) j++;
    if (j - i >= 2) parts.push(`${ms[i]} … ${ms[j]}${step === 1 ? '' : ` in steps of ${step}`}`);
    else for (let k = i; k <= j; k++) parts.push(String(ms[k]));
    i = j + 1;
  }
  return parts.join(', ');
}

// angles of a group: the raw memories', W₀'s and the last row's.
function angles(g) {
  const tr = g.authors.result.trajectory;
  return {raw: g.identity.result.trajectory[0].minAngleDeg, w0: tr[0].minAngleDeg, last: tr[tr.length - 1].minAngleDeg, lossW0: tr[0].loss, lossLast: tr[tr.length - 1].loss, n: tr.length - 1};
}

function angleSentence(g) {
  const a = angles(g);
  return `The smallest angle between two feature memories is ${deg(a.raw)} without a map, ${deg(a.w0)} under W₀ and ${deg(a.last)} after ${a.n} U-Hop+ steps (loss ${num(a.lossW0, 5)} → ${num(a.lossLast, 5)}).`;
}

/**
 * energyCaption writes Figure 1's caption for a drawing mode
 * ('published' or 'corrected'): per memory count, the angles and losses
 * of the run, and the valleys (localMinima: minima of the grid, a plateau
 * of equal cells counting once) that each panel shows inside its box, in
 * the energies drawn; one paragraph
 * per memory count and one for the drawing, separated by line breaks.
 * @param {object} model energyModel
 * @param {'published'|'corrected'} mode
 */
export function energyCaption(model, mode) {
  const parts = [];
  for (const g of model.subfigures) {
    const first = g.rows[0];
    const last = g.rows[g.rows.length - 1];
    const valleys = (row) => row.panels.map((p) => localMinima(p[mode], row.nx, row.ny)).join(', ');
    parts.push(`${g.m} memories, β = ${betaText(g.beta)}. ${angleSentence(g)} ` +
      `Valleys inside the box (minima of the grid away from its border: a cell, or a group of equal adjacent cells, lower than every cell around it; ${first.panels.map((p) => p.label).join(', ')}): ${valleys(first)} at N = ${first.n}; ${valleys(last)} at N = ${last.n}.`);
  }
  const bands = bandsText(model, mode);
  parts.push(mode === 'published'
    ? `Drawn as published: each panel on its own colour scale (${bands}, hot, dark = low), softmax without the 1/β.`
    : `Drawn corrected: the energies E(q), one colour scale per row (${bands}, viridis, dark = low).`);
  return parts.join('\n');
}

/**
 * bandsText says how many colour bands the scales of a drawing have, as
 * drawn (energyScales: at most 8, of a nice width, so often fewer):
 * "6 bands", or "5 to 8 bands" when they differ.
 * @param {object} model energyModel
 * @param {'published'|'corrected'} mode
 */
export function bandsText(model, mode) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const g of model.subfigures) {
    for (const row of energyScales(g, mode)) {
      for (const s of row) {
        lo = Math.min(lo, s.colors.length);
        hi = Math.max(hi, s.colors.length);
      }
    }
  }
  if (!(lo <= hi)) return 'no bands';
  return lo === hi ? `${lo} band${lo === 1 ? '' : 's'}` : `${lo} to ${hi} bands`;
}

/**
 * fidelityNote says in one short sentence what the published drawing and
 * the corrected one differ in; fidelityDetails says how and why.
 */
export function fidelityNote() {
  return 'As published, softmax lacks the 1/β of its energy and each panel has its own colour scale; corrected fixes both.';
}

/**
 * fidelityDetails says what the published drawing and the corrected one
 * differ in, and why, with the figure's own β: for the page's details
 * and the exported picture.
 * @param {object} model energyModel
 */
export function fidelityDetails(model) {
  const betas = model.subfigures.map((g) => betaText(g.beta)).join(' and ');
  const big = Math.max(...model.subfigures.map((g) => g.beta));
  return `As published, softmax is drawn as ½‖q‖² − log Σ exp(β q·u_μ), without the 1/β of its energy (β = ${betas}: its log-sum-exp term up to ${num(big, 3)} times too large, so its valleys can leave the box), and every panel has its own colour scale, so depths cannot be compared; ` +
    'corrected draws the energy E(q) = ½‖q‖² − β⁻¹ log Σ exp(β q·u_μ) and one colour scale per row.';
}

/**
 * basinsCaption writes the basins figure's caption: the white share of
 * every panel in the first and last rows, how it moved, and the angles.
 * @param {object} model basinsModel
 */
export function basinsCaption(model) {
  const first = model.rows[0];
  const last = model.rows[model.rows.length - 1];
  const r = model.authors.scenario.retrieval;
  const shares = (row) => row.panels.map((p) => pct(p.white)).join(', ');
  const verbs = new Map();
  first.panels.forEach((p, k) => {
    const a = p.white;
    const b = last.panels[k].white;
    // By the shares as written: two that read the same stay the same, and
    // two that read differently moved the way the numbers did.
    const verb = pct(a) === pct(b) ? 'stays the same' : b < a ? 'falls' : 'rises';
    if (!verbs.has(verb)) verbs.set(verb, []);
    verbs.get(verb).push(p.label);
  });
  const moves = [...verbs].map(([verb, labels]) => `${verb} for ${joinWords(labels)}`);
  return `${model.m} memories, β = ${betaText(model.beta)}, ${r.steps} retrieval steps. ` +
    `White, where a query ends within ${num(r.tolerance)} of no single memory, covers ${shares(first)} of the ${first.panels.map((p) => p.label).join(', ')} panels at N = ${first.n} ` +
    `and ${shares(last)} at N = ${last.n}: it ${joinWords(moves, '; ')}. ${angleSentence(model)}`;
}

function joinWords(list, sep = ', ') {
  return list.length < 2 ? list.join('') : `${list.slice(0, -1).join(sep)} and ${list[list.length - 1]}`;
}

/**
 * prop31Caption writes the Prop. 3.1 figure's caption: the range of M and
 * of Δmin, whether every code lies within the bounds, how many are proven,
 * and how far the bounds lie from the codes at both ends.
 * @param {object} model prop31Model
 */
export function prop31Caption(model) {
  const p = model.plotted;
  if (!p.length) return 'No code to plot.';
  const a = p[0];
  const z = p[p.length - 1];
  const within = p.filter((r) => r.lower <= r.deltaMin && r.deltaMin <= r.upper).length;
  const proven = p.filter((r) => r.proven).map((r) => r.m);
  const ratio = (r) => `${num(r.upper / r.deltaMin, 3)}× above and ${num(r.deltaMin / r.lower, 3)}× below`;
  return `D = ${model.dim}, ${p.length} values of M from ${a.m} to ${z.m}: the best known Δmin falls from ${num(a.deltaMin, 3)} (M = ${a.m}) to ${num(z.deltaMin, 3)} (M = ${z.m}) ` +
    `and lies within Prop. 3.1's bounds at ${within === p.length ? 'every M' : `${within} of the ${p.length} M`}. ` +
    `${proven.length} of them are proven optimal (M = ${mSpans(proven)}), the others only best known. ` +
    `The bounds lie ${ratio(a)} it at M = ${a.m}, ${ratio(z)} at M = ${z.m}.`;
}
