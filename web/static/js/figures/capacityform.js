// capacityform.js: the capacity lab's form (docs/api.md, "POST
// /api/v1/capacity"): its fields, their defaults (the authors' synthetic
// setting, synthetic_metastable.py), the checks of what is typed against
// the server's documented limits, the estimate of the work, and the
// request built from the form. Pure: no DOM; tested with node --test.

/**
 * CAPACITY_LIMITS are the server's limits that a capacity job's request
 * meets (docs/api.md, "Errors, limits and time", and /about's table,
 * which TestCapacityLimitsMatchAbout compares with these).
 */
export const CAPACITY_LIMITS = Object.freeze({
  maxMemories: 1024, // M
  maxInputDim: 512, // d
  maxFeatureDim: 512, // D_Φ
  maxQueries: 1_000_000, // generated Q
  maxQueryValues: 1 << 23, // Q·d
  maxBeta: 1e6,
  maxSeed: 2 ** 53,
  minAlpha: 1.001,
  maxAlpha: 16,
  maxTrainWork: 2e9, // N·(M·d·D_Φ + M²·D_Φ)
  maxTrajectoryValues: 1 << 20, // (N+1)·(D_Φ·d + D_Φ); also (M+Q)·d of returnInputs
  maxJobWork: 4e11, // CPU-ns of a job of kind capacity
});

/**
 * FIXED are the settings of the authors' script that the form does not
 * change: U-Hop+ for 20 Adam steps with learning rate 1 and τ = 0.1 on
 * their loss, from their initial map (torch's nn.Linear, drawn by
 * hoplab's generator), 20 retrieval steps, softmax weights above 1 %
 * counted, memories and queries scaled to unit length.
 */
export const FIXED = Object.freeze({
  uhop: Object.freeze({iterations: 20, optimizer: 'adam', lr: 1, tau: 0.1, loss: 'paper'}),
  steps: 20,
  supportEps: 0.01,
  init: 'torchLinear',
});

/** The three maps of the paper's tables, in its order. */
export const MAPS = Object.freeze(['softmax', 'entmax15', 'sparsemax']);

/**
 * FIELDS are the form's typed fields, in the order shown: name, label,
 * the request field the server names in its errors, whether integers
 * only, bounds (minOpen: the minimum itself is refused), optional (an
 * empty box means "none").
 */
export const FIELDS = Object.freeze([
  {name: 'd', label: 'memory length d', field: 'memories.gaussian.dim', int: true, min: 1, max: CAPACITY_LIMITS.maxInputDim},
  {name: 'm', label: 'memories M', field: 'memories.gaussian.count', int: true, min: 1, max: CAPACITY_LIMITS.maxMemories},
  {name: 'k', label: 'feature dimension D_Φ', field: 'featureMap.dim', int: true, min: 1, max: CAPACITY_LIMITS.maxFeatureDim},
  {name: 'beta', label: 'β', field: 'beta', min: 0, minOpen: true, max: CAPACITY_LIMITS.maxBeta},
  {name: 'alpha', label: 'α of an added α-entmax', field: 'separations', min: CAPACITY_LIMITS.minAlpha, max: CAPACITY_LIMITS.maxAlpha, optional: true},
  {name: 'q', label: 'queries Q', field: 'queries.gaussian.count', int: true, min: 1, max: CAPACITY_LIMITS.maxQueries},
  {name: 'memorySeed', label: 'the memories’ seed', field: 'memories.gaussian.seed', int: true, min: 0, max: CAPACITY_LIMITS.maxSeed},
  {name: 'querySeed', label: 'the queries’ seed', field: 'queries.gaussian.seed', int: true, min: 0, max: CAPACITY_LIMITS.maxSeed},
  {name: 'mapSeed', label: 'the initial map’s seed', field: 'featureMap.seed', int: true, min: 0, max: CAPACITY_LIMITS.maxSeed},
]);

/**
 * DEFAULTS are the form's values at the authors' synthetic setting: d = 5,
 * M = 10, D_Φ = 5, β = 1, the three maps, 1000 queries (they drew 10),
 * and the seeds of docs/api.md's example. Text, as typed.
 */
export const DEFAULTS = Object.freeze({
  d: '5', m: '10', k: '5', beta: '1', alpha: '', q: '1000', memorySeed: '42', querySeed: '7', mapSeed: '3',
  maps: Object.freeze([...MAPS]),
});

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * exactInteger reads the number text t (as NUMBER_RE accepts it) exactly,
 * digit by digit rather than through a float64: a BigInt when t is a
 * whole number, 'fraction' when it is not, 'huge' when it has more than
 * 30 digits before the point (beyond every bound of the form).
 * Number('9007199254740993') is 2^53 and Number('2.0000000000000001')
 * is 2: only the digits tell them from what they round to.
 * @param {string} t
 * @returns {bigint|'fraction'|'huge'}
 */
export function exactInteger(t) {
  const [, sign, mant, exp] = /^([+-]?)([^eE]*)(?:[eE]([+-]?\d+))?$/.exec(t);
  const [ip, fp = ''] = mant.split('.');
  let digits = (ip + fp).replace(/^0+/, '');
  if (digits === '') return 0n;
  // The value is digits · 10^e.
  let e = Number(exp ?? 0) - fp.length;
  if (e < 0) {
    const tail = digits.slice(e);
    if (/[^0]/.test(tail)) return 'fraction';
    digits = digits.slice(0, e) || '0';
    e = 0;
  }
  if (digits.length + e > 30) return 'huge';
  const v = BigInt(digits) * 10n ** BigInt(e);
  return sign === '-' ? -v : v;
}

/**
 * parseField checks the text typed into field f: {value} (null for an
 * empty optional field) or {error}, a sentence for people.
 * @param {object} f an entry of FIELDS
 * @param {string} text
 */
export function parseField(f, text) {
  const t = String(text ?? '').trim();
  if (t === '') return f.optional ? {value: null} : {error: `${cap(f.label)} is empty; type a number.`};
  if (!NUMBER_RE.test(t)) return {error: `"${t.length > 16 ? `${t.slice(0, 15)}…` : t}" is not a number.`};
  const v = Number(t);
  if (!Number.isFinite(v)) return {error: `${cap(f.label)} must be finite.`};
  if (f.int) {
    // Read integers digit by digit: a float64 would round 2^53 + 1 to 2^53
    // and a fraction close to a whole number to it.
    const x = exactInteger(t);
    if (x === 'fraction') return {error: `${cap(f.label)} must be a whole number.`};
    if (x === 'huge' ? !t.startsWith('-') : x > BigInt(f.max)) return {error: `${cap(f.label)} must be at most ${bound(f.max)}.`};
    if (x === 'huge' || x < BigInt(f.min)) return {error: `${cap(f.label)} must be at least ${bound(f.min)}.`};
  }
  if (f.minOpen && v <= f.min) return {error: `${cap(f.label)} must be greater than ${bound(f.min)}.`};
  if (v < f.min) return {error: `${cap(f.label)} must be at least ${bound(f.min)}.`};
  if (v > f.max) return {error: `${cap(f.label)} must be at most ${bound(f.max)}.`};
  return {value: v};
}

// cap starts a sentence with a capital, but leaves symbols (β, α) as they are.
function cap(s) {
  return /^[a-z]/.test(s) ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}

/** bound writes a limit short: 1e6 rather than 1000000, 2^53 as such. */
export function bound(v) {
  if (v === 2 ** 53) return '2^53';
  return Math.abs(v) >= 1e5 ? v.toExponential().replace('e+', 'e') : String(v);
}

/**
 * mapCost is the estimated cost per memory of one update by a map, in
 * CPU-ns (docs/api.md: softmax 8 + M/40, entmax15 and sparsemax 12 + M/8,
 * entmax:α 3000 + 2M).
 */
export function mapCost(name, m) {
  if (name === 'softmax') return 8 + m / 40;
  if (name === 'entmax15' || name === 'sparsemax') return 12 + m / 8;
  return 3000 + 2 * m;
}

/**
 * estimateWork is the server's estimate of a capacity run's CPU time, in
 * nanoseconds of one core (docs/api.md, "Estimated work"): (N + 1) U-Hop+
 * steps at 8 ns a training unit, M·d·D_Φ + M²·D_Φ each, plus, for every
 * map, (Q·T + M)·u + Q·v, where u = 2M(2d + c) + [normalised: M(D_Φ + d
 * + c) + D_Φ·d] and v = (2 or 3)·M·d + D_Φ·d.
 * @param {{m: number, d: number, k: number, q: number, steps: number,
 *   iterations: number, separations: string[], normalizeFeatures: boolean}} s
 */
export function estimateWork({m, d, k, q, steps, iterations, separations, normalizeFeatures}) {
  let work = (iterations + 1) * Math.max(8 * (m * d * k + m * m * k), 1);
  const models = normalizeFeatures ? 3 : 2;
  for (const sep of separations) {
    const c = mapCost(sep, m);
    let u = 2 * m * (2 * d + c);
    if (normalizeFeatures) u += m * (k + d + c) + k * d;
    const v = models * m * d + k * d;
    work += (q * steps + m) * u + q * v;
  }
  return work;
}

/** alphaName is the separation name of α-entmax: "entmax:1.25". */
export function alphaName(alpha) {
  return `entmax:${alpha}`;
}

/**
 * checkForm checks the form's values (text, as typed, and the maps
 * ticked) against the fields' domains and the limits that join them.
 * It returns {errors} (field name → sentence; "maps" for the maps) and,
 * when there is none, {values} (numbers), the request and its estimated
 * work. returnInputs is asked when the inputs fit the limit on returned
 * numbers, (M + Q)·d.
 * @param {{d: string, m: string, k: string, beta: string, alpha: string, q: string,
 *   memorySeed: string, querySeed: string, mapSeed: string, maps: string[]}} form
 * @returns {{errors: Object<string, string>, values?: object, request?: object, work?: number, inputs?: boolean}}
 */
export function checkForm(form) {
  const errors = {};
  const v = {};
  for (const f of FIELDS) {
    const r = parseField(f, form[f.name]);
    if (r.error) errors[f.name] = r.error;
    else v[f.name] = r.value;
  }
  const separations = MAPS.filter((s) => form.maps.includes(s));
  if (v.alpha !== null && v.alpha !== undefined) separations.push(alphaName(v.alpha));
  if (!separations.length && !errors.alpha) errors.maps = 'Tick at least one map, or give an α.';
  if (Object.keys(errors).length) return {errors};

  const {m, d, k, q} = v;
  const n = FIXED.uhop.iterations;
  const L = CAPACITY_LIMITS;
  if (q * d > L.maxQueryValues) errors.q = `Q·d = ${q}·${d} = ${q * d} query values; at most ${L.maxQueryValues}.`;
  const train = n * (m * d * k + m * m * k);
  if (train > L.maxTrainWork) {
    errors.m = `The training work N·(M·d·D_Φ + M²·D_Φ) = ${n}·(${m}·${d}·${k} + ${m}²·${k}) = ${bound(train)} is beyond the limit of ${bound(L.maxTrainWork)}: fewer memories or a smaller D_Φ.`;
  }
  const traj = (n + 1) * (k * d + k);
  if (traj > L.maxTrajectoryValues) {
    errors.k = `The trajectory of the map, (N+1)·(D_Φ·d + D_Φ) = ${traj} numbers, is beyond the limit of ${L.maxTrajectoryValues}: a smaller D_Φ or d.`;
  }
  if (Object.keys(errors).length) return {errors};
  const shape = {m, d, k, q, steps: FIXED.steps, iterations: n, separations, normalizeFeatures: true};
  const work = estimateWork(shape);
  if (work > L.maxJobWork) {
    errors.q = `Q = ${q} queries · ${FIXED.steps} steps · ${separations.length} maps over M = ${m} memories would take about ${(work / 1e9).toPrecision(3)} CPU-seconds, beyond a job's ${L.maxJobWork / 1e9}: fewer queries or maps.`;
    return {errors};
  }
  const inputs = (m + q) * d <= L.maxTrajectoryValues;
  return {errors, values: {...v, separations}, request: capacityRequest(v, separations, inputs), work, inputs};
}

/**
 * capacityRequest is the body of POST /api/v1/capacity (and the request
 * of a job of kind capacity) for the form's values: generated memories
 * and queries, the authors' initial map and U-Hop+ settings, and the
 * histograms with unit features too (retrieval.normalizeFeatures), so
 * that the page's switch redraws without a second job.
 * @param {object} v values of checkForm
 * @param {string[]} separations
 * @param {boolean} inputs whether to ask for the memories and queries (returnInputs)
 */
export function capacityRequest(v, separations, inputs) {
  const req = {
    memories: {gaussian: {count: v.m, dim: v.d, seed: v.memorySeed}},
    queries: {gaussian: {count: v.q, seed: v.querySeed}},
    normalizeMemories: true,
    normalizeQueries: true,
    beta: v.beta,
    separations,
    featureMap: {dim: v.k, init: FIXED.init, seed: v.mapSeed},
    uhop: {...FIXED.uhop},
    retrieval: {steps: FIXED.steps, supportEps: FIXED.supportEps, normalizeFeatures: true},
  };
  if (inputs) req.returnInputs = true;
  return req;
}

// Request fields as the server names them in errors → the form's field.
const FIELD_OF = [
  [/^memories(\.gaussian\.dim|\[\d+\])$/, 'd'],
  [/^memories(\.gaussian\.count)?$/, 'm'],
  [/^featureMap\.dim$/, 'k'],
  [/^beta$/, 'beta'],
  [/^separations(\[\d+\])?$/, 'alpha'],
  [/^queries(\.gaussian\.count)?$/, 'q'],
  [/^memories\.gaussian\.seed$/, 'memorySeed'],
  [/^queries\.gaussian\.seed$/, 'querySeed'],
  [/^featureMap\.seed$/, 'mapSeed'],
  [/^uhop\.iterations$/, 'm'],
];

/**
 * fieldFor names the form's field that a server error about a request
 * field belongs to ("queries.gaussian.count" → "q"), or null.
 * @param {string|undefined} field
 */
export function fieldFor(field) {
  if (!field) return null;
  for (const [re, name] of FIELD_OF) if (re.test(field)) return name;
  return null;
}
