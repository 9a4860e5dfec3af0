// capacitymodel.js: the answer of POST /api/v1/capacity (docs/api.md)
// turned into what the capacity lab shows: per map, how many queries end
// in a mixture of k memories, for the plain model, the kernelized one
// and the kernelized one with unit features; the rows of k worth a line
// of the table; the geometry of the map before and after U-Hop+. Pure:
// no DOM; tested with node --test on an answer the server wrote
// (testdata/capacity.json, compared with the server's by the e2e tests).

import {sepLabel} from './model.js';

/** Up to this M, the table has a row for every k = 1 … M. */
export const ALL_ROWS_UP_TO = 16;

/**
 * The models of a map, as the answer names them, and in words. The page
 * compares raw with the second one: kernelized, or kernelizedNormalized
 * under the "unit features" switch.
 */
export const MODEL_WORDS = Object.freeze({
  raw: 'raw',
  kernelized: 'kernelized',
  kernelizedNormalized: 'kernelized, unit features',
});

/**
 * capacityModel reads an answer of POST /api/v1/capacity and the request
 * that asked for it.
 * @param {object} answer the 200 answer
 * @param {object} request the request as sent (capacityRequest)
 * @returns {{q: number, m: number, d: number, k: number, beta: number, steps: number,
 *   iterations: number, seeds: object, maps: object[], ks: number[], geometry: object,
 *   hasNormalized: boolean, inputs: object|null}}
 */
export function capacityModel(answer, request) {
  const maps = answer.capacity.map((c) => ({
    name: c.separation,
    label: sepLabel(c.separation),
    raw: c.raw,
    kernelized: c.kernelized,
    kernelizedNormalized: c.kernelizedNormalized ?? null,
    undefined: c.undefined,
  }));
  // α-entmax at α = 1.5 reads as 1.5-entmax: the bisection says which is which.
  for (const c of maps) {
    if (c.name.startsWith('entmax:') && maps.some((o) => o !== c && o.label === c.label)) c.label = `${c.label} (bisection)`;
  }
  const m = maps[0].raw.length - 1;
  const hasNormalized = maps.every((c) => c.kernelizedNormalized !== null);
  const g = request.memories.gaussian;
  return Object.freeze({
    q: answer.queries,
    m,
    d: g.dim,
    k: request.featureMap.dim,
    beta: request.beta,
    steps: request.retrieval.steps,
    iterations: request.uhop.iterations,
    uhop: request.uhop,
    supportEps: request.retrieval.supportEps,
    seeds: Object.freeze({memories: g.seed, queries: request.queries.gaussian.seed, map: request.featureMap.seed}),
    maps: Object.freeze(maps.map((c) => Object.freeze(c))),
    ks: Object.freeze(rowsOf(maps, m)),
    geometry: answer.geometry,
    hasNormalized,
    inputs: answer.inputs ?? null,
  });
}

// rowsOf returns the values of k that the table shows: every k = 1 … M
// for M up to ALL_ROWS_UP_TO, else the k some model of some map reached;
// k = 0 (softmax: no weight above the threshold) when some model has it.
function rowsOf(maps, m) {
  const hit = new Set();
  for (const c of maps) {
    for (const key of Object.keys(MODEL_WORDS)) {
      c[key]?.forEach((n, k) => n > 0 && hit.add(k));
    }
  }
  const ks = [];
  for (let k = 0; k <= m; k++) if (hit.has(k) || (k >= 1 && m <= ALL_ROWS_UP_TO)) ks.push(k);
  return ks;
}

/** second names the model compared with raw: kernelized, or with unit features. */
export function second(normalized) {
  return normalized ? 'kernelizedNormalized' : 'kernelized';
}

/**
 * single is the share of queries that end on one memory (k = 1) in model
 * key of map c, of the q queries.
 */
export function single(c, key, q) {
  return c[key] ? c[key][1] / q : NaN;
}

/**
 * modeK is the k that most queries reach in model key of map c (the
 * smallest of equals), or −1 when no query was counted.
 */
export function modeK(c, key) {
  const h = c[key];
  if (!h) return -1;
  let best = -1;
  for (let k = 0; k < h.length; k++) if (h[k] > 0 && (best < 0 || h[k] > h[best])) best = k;
  return best;
}

/**
 * tableView is the table as the page shows it: per map two columns, raw
 * and the second model; a row per k of model.ks, each cell the count and
 * its share of the queries; a row of undefined queries when there are
 * any.
 * @param {object} model capacityModel
 * @param {boolean} normalized whether the second model has unit features
 * @returns {{maps: {name: string, label: string}[], models: string[], rows: {k: number|string, cells: {count: number, share: number}[]}[]}}
 */
export function tableView(model, normalized) {
  const models = ['raw', second(normalized)];
  const cell = (count) => ({count, share: count / model.q});
  const rows = model.ks.map((k) => ({k, cells: model.maps.flatMap((c) => models.map((key) => cell(c[key][k])))}));
  const undef = model.maps.flatMap((c) => models.map((key) => c.undefined[key] ?? 0));
  if (undef.some((n) => n > 0)) rows.push({k: 'undefined', cells: undef.map(cell)});
  return {maps: model.maps.map((c) => ({name: c.name, label: c.label})), models, rows};
}
