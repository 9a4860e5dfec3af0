// importer.js: loading a file into the explorer, by the "import…" button
// or by dropping it on the page. Two kinds of file:
//
//   - a scenario JSON: the explorer's "export scenario" file (a Scenario
//     of docs/api.md with its "ui"), or a link's payload {v, scenario, ui};
//   - a CSV of memories: one memory per line, numbers separated by commas,
//     an optional header line of names (only a line of names is taken as
//     one; semicolons, tabs or spaces between numbers are refused, named).
//     It replaces the memories of the
//     scenario on show (at t = 0, with the same settings). Memories of
//     d ≠ 2 have no input view: they are loaded with a random 2-D feature
//     map, whose view is drawn, and the page says so.
//
// A file is read and checked here first, against the limits of the
// session's hello: a bad one is refused with what is wrong and where (line
// and column) and nothing is sent. A good one goes to the session as one
// `load`; should the server refuse it, its error is shown with the place in
// the file of the field it names, and the session keeps what it had. The
// pure parts (parseJSON, parseMemoriesCSV, planImport) are tested with
// node --test.

import {PROTOCOL} from './connection.js';
import {byTestId} from './dom.js';
import {SHOW_MODES, VIEW_ORDER} from './store.js';

/** Limits the page assumes when the hello has none (docs/api.md). */
const DEFAULT_LIMITS = {maxMemories: 64, maxDim: 512, maxAbsValue: 1e6, maxBeta: 1e6, maxGridSide: 256, maxIterations: 10000, maxSeparations: 8, maxRetrievalSteps: 1000, maxMessageBytes: 1 << 20, minSpeed: 0.1, maxSpeed: 1000};

/** ImportError is a refused file: what is wrong, and where (1-based line and column, or 0). */
export class ImportError extends Error {
  constructor(message, line = 0, column = 0) {
    super(line ? `line ${line}, column ${column}: ${message}` : message);
    this.line = line;
    this.column = column;
    this.reason = message;
  }
}

/** lineCol gives the 1-based line and column of index i of text. */
export function lineCol(text, i) {
  let line = 1;
  let start = 0;
  for (let k = 0; k < i && k < text.length; k++) {
    if (text.charCodeAt(k) === 10) {
      line++;
      start = k + 1;
    }
  }
  return {line, column: i - start + 1};
}

/**
 * parseJSON reads text as one JSON value, strictly (RFC 8259), and refuses
 * a key given twice in one object, as the server does. It returns the
 * value and where each of its members starts: positions maps a path as
 * the server names fields ("memories[2][1]", "view.grid.nx"; "" the whole)
 * to its index in text. Errors are ImportErrors with line and column.
 * @param {string} text
 * @returns {{value: unknown, positions: Map<string, number>}}
 */
export function parseJSON(text) {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const positions = new Map();
  const fail = (msg, at = i) => {
    const {line, column} = lineCol(text, at);
    throw new ImportError(msg, line, column);
  };
  const ws = () => {
    while (i < text.length) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else break;
    }
  };
  const what = () => (i >= text.length ? 'the end of the file' : `“${text[i]}”`);

  function value(path) {
    ws();
    positions.set(path, i);
    const c = text[i];
    if (c === '{') return object(path);
    if (c === '[') return array(path);
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    return fail(`expected a value, found ${what()}`);
  }

  function object(path) {
    i++;
    const out = {};
    const seen = new Set();
    ws();
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') fail(`expected a key in quotes, found ${what()}`);
      const at = i;
      const key = string();
      const sub = path ? `${path}.${key}` : key;
      if (seen.has(key)) fail(`the key “${key}” is given twice in one object`, at);
      seen.add(key);
      ws();
      if (text[i] !== ':') fail(`expected “:” after the key “${key}”, found ${what()}`);
      i++;
      const v = value(sub);
      Object.defineProperty(out, key, {value: v, enumerable: true, writable: true, configurable: true});
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return out;
      }
      fail(`expected “,” or “}” after the value of “${key}”, found ${what()}`);
    }
  }

  function array(path) {
    i++;
    const out = [];
    ws();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      out.push(value(`${path}[${out.length}]`));
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return out;
      }
      fail(`expected “,” or “]” in a list, found ${what()}`);
    }
  }

  function string() {
    const start = i;
    i++;
    let out = '';
    for (;;) {
      if (i >= text.length) fail('a text in quotes is not closed', start);
      const c = text[i];
      if (c === '"') {
        i++;
        return out;
      }
      if (c < ' ') fail('a line break or control character inside quotes');
      if (c !== '\\') {
        out += c;
        i++;
        continue;
      }
      const e = text[i + 1];
      const simple = {'"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t'}[e];
      if (simple !== undefined) {
        out += simple;
        i += 2;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        fail(`“\\${e ?? ''}” is not an escape of JSON`);
      }
    }
  }

  function number() {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail(`“${text.slice(i, i + 12)}” is not a number`);
    i += m[0].length;
    const v = Number(m[0]);
    if (!Number.isFinite(v)) fail(`${m[0]} is beyond the range of numbers`, i - m[0].length);
    return v;
  }

  const v = value('');
  ws();
  if (i < text.length) fail(`more text after the JSON value: ${what()}`);
  return {value: v, positions};
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
// Words for numbers that are not finite, which no memory may hold (and
// which are not a header's names either).
const NOT_FINITE = /^[+-]?(nan|inf|infinity)$/i;
// A header's name: it starts with a letter or "_", or is in double quotes
// with a letter in it.
const NAME = /^([\p{L}_][^"]*|"[^"]*\p{L}[^"]*")$/u;

const COMMAS = 'the numbers of a memory must be separated by commas, one memory per line';

/**
 * parseMemoriesCSV reads one memory per line, numbers separated by
 * commas. Blank lines are skipped; a byte order mark and CRLF line ends
 * are fine. The first line is a header only when it is clearly one: names
 * (each starting with a letter or "_", or in double quotes) separated by
 * commas. Every memory must have the same length d. A file whose numbers
 * are separated by semicolons, tabs or spaces is refused at the first
 * such separator, naming it.
 * @param {string} text
 * @returns {{memories: number[][], header: string[]|null, lines: number[]}} lines: each memory's line
 */
export function parseMemoriesCSV(text) {
  const raw = text.replace(/^\ufeff/, '').split(/\r\n|\n|\r/);
  const memories = [];
  const lines = [];
  let header = null;
  let headerLine = 0;
  let d = 0;
  raw.forEach((line, k) => {
    if (line.trim() === '') return;
    const at = k + 1;
    // A separator that is not a comma: said at once, before the line's
    // fields could be mistaken for something else.
    const sep = /[;\t]/.exec(line);
    if (sep) {
      const what = sep[0] === ';' ? 'found “;”' : 'found a tab';
      const decimal = sep[0] === ';' && /\d,\d/.test(line) ? '; and a number takes a decimal point, not a comma (0.5, not 0,5)' : '';
      throw new ImportError(`${what} — ${COMMAS}${decimal}`, at, sep.index + 1);
    }
    const fields = [];
    let col = 1;
    for (const f of line.split(',')) {
      const lead = f.length - f.trimStart().length;
      fields.push({text: f.trim(), column: col + lead, end: col + f.length});
      col += f.length + 1;
    }
    if (memories.length === 0 && header === null && fields.every((f) => NAME.test(f.text) && !NOT_FINITE.test(f.text))) {
      header = fields.map((f) => f.text.replace(/^"(.*)"$/, '$1'));
      headerLine = at;
      return;
    }
    const row = [];
    fields.forEach((f, j) => {
      if (f.text === '') {
        if (j === fields.length - 1 && j > 0) throw new ImportError('a comma at the end of the line; remove it (each line is one memory, its numbers separated by commas)', at, f.column - 1);
        throw new ImportError('an empty field; expected a number', at, f.column);
      }
      if (NOT_FINITE.test(f.text)) throw new ImportError(`“${f.text}” is not a finite number; every number of a memory must be finite`, at, f.column);
      if (!NUMBER.test(f.text)) {
        const gap = /^(\S+)(\s+)\S/.exec(f.text);
        if (gap && NUMBER.test(gap[1])) throw new ImportError(`found a space between two numbers — ${COMMAS}`, at, f.column + gap[1].length);
        throw new ImportError(`“${f.text.slice(0, 24)}” is not a number`, at, f.column);
      }
      const v = Number(f.text);
      if (!Number.isFinite(v)) throw new ImportError(`${f.text} is beyond the range of numbers (about ±1.8e308)`, at, f.column);
      row.push(v);
    });
    if (d === 0) d = row.length;
    if (row.length !== d) {
      const where = row.length > d ? fields[d].column : fields[fields.length - 1].end;
      const n = (c) => `${c} number${c === 1 ? '' : 's'}`;
      throw new ImportError(`this memory has ${n(row.length)}, the one${memories.length > 1 ? 's' : ''} before ${d}; every line must have the same count`, at, where);
    }
    memories.push(row);
    lines.push(at);
  });
  if (memories.length === 0) {
    if (header) throw new ImportError(`only a header line (${header.join(', ')}) and no memories: expected one memory per line below it, numbers separated by commas`, headerLine + 1, 1);
    throw new ImportError('the file is empty: expected one memory per line, numbers separated by commas', 1, 1);
  }
  if (header && header.length !== d) throw new ImportError(`the header names ${header.length} columns, the memories have ${d} numbers`, headerLine, 1);
  return {memories, header, lines};
}

/** kindOf tells a file's kind by its name, else by its first character. */
export function kindOf(name, text) {
  if (/\.json$/i.test(name)) return 'json';
  if (/\.(csv|txt)$/i.test(name)) return 'csv';
  return /^\s*[{[]/.test(text.replace(/^\ufeff/, '')) ? 'json' : 'csv';
}

/**
 * planImport reads and checks a file against the limits. It returns what
 * to load: {kind, scenario, ui, note, positions, m, d}, or throws an
 * ImportError saying what is wrong and where.
 * @param {string} name the file's name
 * @param {string} text its contents
 * @param {{limits?: object, current?: object}} ctx the hello's limits, the scenario on show
 */
export function planImport(name, text, {limits = {}, current = null} = {}) {
  const lim = {...DEFAULT_LIMITS, ...limits};
  if (text.length > lim.maxMessageBytes - 4096) {
    throw new ImportError(`the file has ${text.length} characters; a live session takes messages of at most ${lim.maxMessageBytes} bytes`);
  }
  if (kindOf(name, text) === 'csv') return planCSV(text, lim, current);
  return planJSON(text, lim);
}

function planCSV(text, lim, current) {
  const {memories, lines} = parseMemoriesCSV(text);
  const normalize = current ? current.normalizeMemories !== false : true;
  checkMemories(memories, lim, normalize, (k, j, msg) => {
    throw new ImportError(msg, lines[Math.min(k, lines.length - 1)], columnOf(text, lines[Math.min(k, lines.length - 1)], j ?? 0));
  });
  const d = memories[0].length;
  const {scenario, note} = memoriesScenario(memories, current || {});
  return {kind: 'csv', scenario, ui: {}, note, positions: new Map(), m: memories.length, d};
}

// columnOf finds the column of the j-th field of a line of text.
function columnOf(text, line, j) {
  const l = text.replace(/^\ufeff/, '').split(/\r\n|\n|\r/)[line - 1] || '';
  let col = 1;
  const parts = l.split(',');
  for (let k = 0; k < j && k < parts.length; k++) col += parts[k].length + 1;
  const f = parts[j] || '';
  return col + (f.length - f.trimStart().length);
}

function planJSON(text, lim) {
  const {value, positions} = parseJSON(text);
  const at = (path) => {
    const i = positions.get(path);
    return i === undefined ? {line: 0, column: 0} : lineCol(text, i);
  };
  const refuse = (path, msg) => {
    const {line, column} = at(path);
    throw new ImportError(path ? `${path}: ${msg}` : msg, line, column);
  };
  if (!value || typeof value !== 'object' || Array.isArray(value)) refuse('', 'the file is not a scenario: expected a JSON object with “memories”');
  let sc = value;
  let prefix = '';
  let ui = value.ui;
  if (!('memories' in value) && value.scenario && typeof value.scenario === 'object') {
    // A link's payload: {v, scenario, ui}.
    sc = value.scenario;
    prefix = 'scenario.';
    ui = value.ui;
    if (value.v !== undefined && !(Number.isInteger(value.v) && value.v >= 1 && value.v <= 2)) refuse('v', `version ${JSON.stringify(value.v)} is not one this page reads (1 or 2)`);
  }
  const p = (path) => prefix + path;
  const rel = (path) => {
    const {line, column} = at(p(path));
    return {line, column};
  };
  if (!Array.isArray(sc.memories)) refuse(sc.memories === undefined ? prefix.replace(/\.$/, '') : p('memories'), 'expected “memories”: a list of memories, each a list of numbers');
  const normalize = sc.normalizeMemories !== false;
  checkMemories(sc.memories, lim, normalize, (k, j, msg) => {
    const path = j === null ? `memories[${k}]` : `memories[${k}][${j}]`;
    const {line, column} = rel(path);
    throw new ImportError(`${path}: ${msg}`, line, column);
  });
  const d = sc.memories[0].length;
  const check = (path, ok, msg) => {
    if (!ok) refuse(p(path), msg);
  };
  const num = (v) => typeof v === 'number';
  if (sc.beta !== undefined) check('beta', num(sc.beta) && sc.beta > 0 && sc.beta <= lim.maxBeta, `β must be a number above 0 and at most ${lim.maxBeta}`);
  if (sc.separations !== undefined) {
    check('separations', Array.isArray(sc.separations) && sc.separations.length >= 1 && sc.separations.every((s) => typeof s === 'string'), 'expected a list of separation maps, e.g. ["softmax", "sparsemax"]');
    check('separations', sc.separations.length <= lim.maxSeparations, `at most ${lim.maxSeparations} separation maps`);
  }
  const grid = sc.view && sc.view.grid;
  for (const side of ['nx', 'ny']) {
    if (grid && grid[side] !== undefined) check(`view.grid.${side}`, Number.isInteger(grid[side]) && grid[side] >= 2 && grid[side] <= lim.maxGridSide, `a live session's grid has 2 to ${lim.maxGridSide} cells per side`);
  }
  if (sc.uhop && sc.uhop.iterations !== undefined) check('uhop.iterations', Number.isInteger(sc.uhop.iterations) && sc.uhop.iterations >= 0 && sc.uhop.iterations <= lim.maxIterations, `the iteration must be a whole number from 0 to ${lim.maxIterations}`);
  if (sc.retrieval && sc.retrieval.steps !== undefined) check('retrieval.steps', Number.isInteger(sc.retrieval.steps) && sc.retrieval.steps >= 1 && sc.retrieval.steps <= lim.maxRetrievalSteps, `retrieval steps must be a whole number from 1 to ${lim.maxRetrievalSteps}`);
  const k = sc.featureMap && sc.featureMap.dim !== undefined ? sc.featureMap.dim : d;
  if (d !== 2 && k !== 2) {
    refuse(sc.featureMap && sc.featureMap.dim !== undefined ? p('featureMap.dim') : p('memories'), `the memories have d = ${d} and the feature map D_Φ = ${k}: the page draws an input view only for d = 2 and a feature view only for D_Φ = 2; set "featureMap": {"dim": 2, "init": "random"} to see these memories through a 2-D feature map`);
  }
  // The page's own settings: checked as the page would take them.
  const outUI = {};
  if (ui !== undefined && ui !== null) {
    const uiPath = 'ui';
    if (typeof ui !== 'object' || Array.isArray(ui)) refuse(uiPath, 'expected an object of page settings');
    if (ui.views !== undefined) {
      if (!Array.isArray(ui.views) || ui.views.length === 0 || !ui.views.every((v) => VIEW_ORDER.includes(v))) refuse(`${uiPath}.views`, 'expected a list of views: "input", "feature"');
      outUI.views = VIEW_ORDER.filter((v) => ui.views.includes(v));
    }
    if (ui.speed !== undefined) {
      if (!num(ui.speed) || ui.speed < lim.minSpeed || ui.speed > lim.maxSpeed) refuse(`${uiPath}.speed`, `the speed must be ${lim.minSpeed} to ${lim.maxSpeed} iterations per second`);
      outUI.speed = ui.speed;
    }
    if (ui.show !== undefined) {
      if (!SHOW_MODES.includes(ui.show)) refuse(`${uiPath}.show`, `expected one of ${SHOW_MODES.map((m) => `"${m}"`).join(', ')}`);
      outUI.show = ui.show;
    }
  }
  // The scenario goes as it is, without the page's settings (a lesson in
  // a file is not applied: an import never takes controls away).
  const scenario = {...sc};
  delete scenario.ui;
  const note = d === 2 ? '' : `These memories have d = ${d}: there is no input view (it needs d = 2); the feature view shows them through the 2-D feature map.`;
  return {kind: 'json', text, scenario, ui: outUI, note, positions: new Map([...positions].filter(([path]) => path.startsWith(prefix)).map(([path, i]) => [path.slice(prefix.length), i])), m: sc.memories.length, d};
}

// checkMemories checks a list of memories against the limits; bad(k, j,
// message) is called for the first problem (j null: the whole memory).
function checkMemories(memories, lim, normalize, bad) {
  if (memories.length === 0) bad(0, null, 'there must be at least one memory');
  if (memories.length > lim.maxMemories) bad(lim.maxMemories, null, `${memories.length} memories; a live session takes at most ${lim.maxMemories}`);
  let d = -1;
  memories.forEach((row, k) => {
    if (!Array.isArray(row) || row.length === 0) bad(k, null, 'a memory must be a non-empty list of numbers');
    if (d === -1) d = row.length;
    if (row.length !== d) bad(k, null, `this memory has ${row.length} numbers, memory 0 has ${d}; all must have the same length`);
    if (d > lim.maxDim) bad(k, lim.maxDim, `a memory of ${d} numbers; a live session takes memories of at most ${lim.maxDim}`);
    row.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) bad(k, j, 'expected a finite number');
      if (Math.abs(v) > lim.maxAbsValue) bad(k, j, `|${v}| is beyond the limit of ${lim.maxAbsValue} on values`);
    });
    if (normalize && row.every((v) => v === 0)) bad(k, 0, 'a memory of zeros cannot be normalised to unit length');
  });
}

/**
 * memoriesScenario is the scenario that shows memories with the settings
 * of the scenario on show, from t = 0: its explicit initial map, batch
 * orders and grid box go (they are of the old memories); memories of
 * d ≠ 2 get a random 2-D feature map. note says so.
 * @param {number[][]} memories
 * @param {object} current
 * @returns {{scenario: object, note: string}}
 */
export function memoriesScenario(memories, current) {
  const d = memories[0].length;
  const sc = structuredClone(current);
  delete sc.ui;
  delete sc.snapshots;
  sc.memories = memories.map((r) => [...r]);
  sc.uhop = {...(sc.uhop || {}), iterations: 0};
  delete sc.uhop.batchOrder;
  const fm = {...(sc.featureMap || {})};
  delete fm.W;
  delete fm.b;
  let note = '';
  if (d === 2) {
    fm.dim = 2;
  } else {
    const seed = Number.isInteger(fm.seed) ? fm.seed : 1;
    const torch = fm.init === 'torchLinear';
    Object.assign(fm, {dim: 2, init: torch ? 'torchLinear' : 'random', seed});
    if (torch) fm.affine = true;
    note = `These memories have d = ${d}: there is no input view (it needs d = 2). They are loaded with a random 2-D feature map (D_Φ = 2, seed ${seed}), whose feature view is shown.`;
  }
  sc.featureMap = fm;
  if (sc.view) {
    sc.view = {...sc.view};
    delete sc.view.space;
    if (sc.view.grid) {
      const g = {...sc.view.grid};
      for (const k of ['xmin', 'xmax', 'ymin', 'ymax']) delete g[k];
      sc.view.grid = g;
    }
  }
  return {scenario: sc, note};
}

/**
 * bindImporter wires the import button, its file picker, dropping a file
 * on the page, and the message that says what became of the file.
 * @param {{store: object, send: (msg: object) => number, blocked: () => boolean}} deps
 *   blocked: a lesson has set the import aside
 */
export function bindImporter({store, send, blocked}) {
  const {dispatch, getState} = store;
  const picker = byTestId('import-file');
  const box = byTestId('import-status');
  const message = byTestId('import-message');
  let pending = null; // {seq, plan, name}

  function say(text, outcome) {
    message.textContent = text;
    box.dataset.outcome = outcome;
    box.hidden = false;
  }

  async function importFile(file) {
    if (blocked()) return;
    const s = getState();
    if (!s.server) return;
    let plan;
    try {
      const text = await file.text();
      plan = planImport(file.name, text, {limits: s.hello?.limits, current: s.server.scenario});
    } catch (err) {
      pending = null;
      say(`${file.name} was not loaded: ${err.message}. Nothing changed.`, 'refused');
      return;
    }
    const seq = send({type: 'load', protocol: PROTOCOL, scenario: plan.scenario});
    if (!seq) {
      say(`${file.name} was not loaded: the page is not connected. Nothing changed.`, 'refused');
      return;
    }
    pending = {seq, plan, name: file.name};
    // The caption under the presets says where the scenario came from,
    // once the session has taken it (store.js, origin).
    dispatch({type: 'origin', origin: {kind: 'file', name: file.name, m: plan.m, d: plan.d}, seq});
    say(`Loading ${file.name}…`, 'loading');
  }

  store.subscribe((s, prev) => {
    if (!pending) return;
    const e = s.lastError;
    if (e && e !== prev.lastError && e.seq === pending.seq && e.code !== 'diverged') {
      const {plan, name} = pending;
      pending = null;
      const i = e.field ? plan.positions.get(e.field) : undefined;
      const where = i !== undefined ? ` (${e.field} is at ${placeOf(plan, i)})` : '';
      say(`The server refused ${name}: ${e.message}${where}. Nothing changed.`, 'refused');
      return;
    }
    if (s.server && s.server !== prev.server && s.server.seq >= pending.seq) {
      const {plan, name} = pending;
      pending = null;
      // The file's views, else those on show, as far as the new
      // dimensions allow them; else every view they allow.
      const avail = s.server.availableViews || [];
      const want = plan.ui.views && plan.ui.views.length ? plan.ui.views : s.server.views;
      let views = want.filter((v) => avail.includes(v));
      if (!views.length) views = [...avail];
      if (views.length && views.join() !== s.server.views.join()) send({type: 'views', views});
      if (plan.ui.speed !== undefined) send({type: 'speed', itersPerSecond: plan.ui.speed});
      if (plan.ui.show) dispatch({type: 'show', value: plan.ui.show});
      dispatch({type: 'preset', name: null});
      const what = plan.kind === 'csv' ? `${plan.m} memories of d = ${plan.d}` : `a scenario of ${plan.m} memories, d = ${plan.d}, at t = ${s.server.scenario.uhop?.iterations ?? 0}`;
      say(`Loaded ${name}: ${what}.${plan.note ? ` ${plan.note}` : ''}`, 'loaded');
    }
  });

  byTestId('import-open').addEventListener('click', () => picker.click());
  picker.addEventListener('change', () => {
    const f = picker.files && picker.files[0];
    picker.value = '';
    if (f) importFile(f);
  });
  byTestId('import-dismiss').addEventListener('click', () => {
    box.hidden = true;
  });

  // Dropping a file anywhere on the page.
  const hasFiles = (ev) => ev.dataTransfer && [...ev.dataTransfer.types].includes('Files');
  let depth = 0;
  document.addEventListener('dragenter', (ev) => {
    if (!hasFiles(ev) || blocked()) return;
    depth++;
    document.body.classList.add('dropping');
  });
  document.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) document.body.classList.remove('dropping');
  });
  document.addEventListener('dragover', (ev) => {
    if (hasFiles(ev) && !blocked()) ev.preventDefault();
  });
  document.addEventListener('drop', (ev) => {
    depth = 0;
    document.body.classList.remove('dropping');
    if (!hasFiles(ev) || blocked()) return;
    ev.preventDefault();
    const files = [...ev.dataTransfer.files];
    if (files.length !== 1) {
      say(`Drop one file at a time (${files.length} were dropped). Nothing changed.`, 'refused');
      return;
    }
    importFile(files[0]);
  });
}

// placeOf names where index i of a plan's file is.
function placeOf(plan, i) {
  const {line, column} = lineCol(plan.text || '', i);
  return `line ${line}, column ${column}`;
}
