// fields.js: what each parameter control means: where its value lives in
// the scenario, how typed text is checked against the domain and the
// server's limits (from `hello`), and which control a server error's field
// path belongs to. Pure functions, no DOM.

/**
 * NUMBER_FIELDS are the typed numeric controls, by control name.
 * path: the scenario path; int: integers only; min/max: bounds, with
 * minOpen when the minimum itself is refused; limit: the hello.limits
 * keys that override the bounds (docs/api.md values as fallbacks).
 */
export const NUMBER_FIELDS = {
  beta: {label: 'β', path: ['beta'], min: 0, minOpen: true, max: 1e6, limitMax: 'maxBeta'},
  tau: {label: 'τ', path: ['uhop', 'tau'], min: 1e-4, max: 1e4, limitMin: 'minTau', limitMax: 'maxTau'},
  lr: {label: 'the learning rate', path: ['uhop', 'lr'], min: 0, minOpen: true, max: 1000, limitMax: 'maxLR'},
  momentum: {label: 'the momentum', path: ['uhop', 'momentum'], min: 0, max: 1000, limitMax: 'maxMomentum'},
  steps: {label: 'the number of steps', path: ['retrieval', 'steps'], int: true, min: 1, max: 1000, limitMax: 'maxRetrievalSteps'},
  tolerance: {label: 'the tolerance', path: ['retrieval', 'tolerance'], min: 0, minOpen: true, max: 1e6, limitMax: 'maxTolerance'},
  seed: {label: 'the seed', path: null, int: true, min: 0, max: 2 ** 53},
};

/** CHOICE_FIELDS are drop-downs and checkboxes bound to one scenario path. */
export const CHOICE_FIELDS = {
  optimizer: {path: ['uhop', 'optimizer']},
  loss: {path: ['uhop', 'loss']},
  affine: {path: ['featureMap', 'affine'], bool: true},
  normalize: {path: ['normalizeMemories'], bool: true},
};

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * checkNumber parses text for the control name against its domain and the
 * limits. It returns {value} or {error} (a sentence for people).
 * @param {string} name a key of NUMBER_FIELDS
 * @param {string} text what the user typed
 * @param {object} [limits] hello.limits
 */
export function checkNumber(name, text, limits = {}) {
  const f = NUMBER_FIELDS[name];
  const t = String(text).trim();
  if (t === '') return {error: `${cap(f.label)} is empty; type a number.`};
  if (!NUMBER_RE.test(t)) return {error: `"${short(t)}" is not a number.`};
  const v = Number(t);
  if (!Number.isFinite(v)) return {error: `${cap(f.label)} must be finite.`};
  if (f.int && !Number.isInteger(v)) return {error: `${cap(f.label)} must be a whole number.`};
  const min = num(limits[f.limitMin], f.min);
  const max = num(limits[f.limitMax], f.max);
  if (f.minOpen && v <= min) return {error: `${cap(f.label)} must be greater than ${bound(min)}.`};
  if (v < min) return {error: `${cap(f.label)} must be at least ${bound(min)}.`};
  if (v > max) return {error: `${cap(f.label)} must be at most ${bound(max)}.`};
  return {value: v};
}

function num(v, fallback) {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

// cap starts a sentence with a capital, but leaves Greek symbols (β, τ) as they are.
function cap(s) {
  return /^[a-z]/.test(s) ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}

// bound writes a limit short: 1e6 rather than 1000000.
function bound(v) {
  return Math.abs(v) >= 1e5 ? v.toExponential().replace('e+', 'e') : String(v);
}

function short(s) {
  return s.length > 16 ? s.slice(0, 15) + '…' : s;
}

/**
 * patchFor builds the JSON merge patch that sets path to value.
 * @param {string[]} path
 * @param {*} value
 */
export function patchFor(path, value) {
  let out = value;
  for (let i = path.length - 1; i >= 0; i--) out = {[path[i]]: out};
  return out;
}

/**
 * valueAt reads path from a scenario (undefined when absent).
 * @param {object} scenario
 * @param {string[]} path
 */
export function valueAt(scenario, path) {
  let v = scenario;
  for (const k of path) {
    if (v == null) return undefined;
    v = v[k];
  }
  return v;
}

// Scenario field paths (as the server names them in errors) → control.
const FIELD_CONTROLS = [
  [/^beta$/, 'beta'],
  [/^uhop\.tau$/, 'tau'],
  [/^uhop\.lr$/, 'lr'],
  [/^uhop\.momentum$/, 'momentum'],
  [/^uhop\.optimizer$/, 'optimizer'],
  [/^uhop\.loss$/, 'loss'],
  [/^retrieval\.steps$/, 'steps'],
  [/^retrieval\.tolerance$/, 'tolerance'],
  [/^view\.grid(\.(nx|ny))?$/, 'grid'],
  [/^separations(\[\d+\])?$/, 'separations'],
  [/^featureMap\.affine$/, 'affine'],
  [/^normalizeMemories$/, 'normalize'],
  [/^views(\[\d+\])?$/, 'views'],
  [/^seed$/, 'seed'],
];

/**
 * controlFor names the control that shows an error about a scenario field
 * path ("uhop.tau" → "tau"), or null when no control edits that field.
 * A path inside `scenario.` (as a patch's errors may say) counts too.
 * @param {string} field
 */
export function controlFor(field) {
  if (!field) return null;
  const f = field.replace(/^scenario\./, '');
  for (const [re, name] of FIELD_CONTROLS) {
    if (re.test(f)) return name;
  }
  return null;
}

/**
 * formatNumber writes v for a text box with at most digits significant
 * digits (all of them when digits is 0). Large and tiny magnitudes (from
 * 1e5, below 1e-4) are written with an exponent, 1e6 rather than 1000000,
 * so that they fit the box and read back exactly as typed.
 * @param {number} v
 * @param {number} [digits]
 */
export function formatNumber(v, digits = 0) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '';
  const r = digits > 0 ? Number(v.toPrecision(digits)) : v;
  const a = Math.abs(r);
  if (a >= 1e5 || (a > 0 && a < 1e-4)) {
    const [mant, exp] = r.toExponential().split('e');
    return `${mant}e${exp.replace('+', '')}`;
  }
  return String(r);
}
