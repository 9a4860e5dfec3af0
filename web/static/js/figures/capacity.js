// capacity.js: the capacity lab on the figures page. The form's values
// are checked against the server's limits (capacityform.js) and become a
// capacity request, which runs as a background job (kind "capacity",
// docs/api.md) with its progress and a Cancel button; the answer becomes
// the model (capacitymodel.js) from which the table, the bar chart, the
// caption, the settings and the exports are drawn.
//
//   form ─→ checkForm ─→ request ─→ job ─→ answer ─→ model ─┐
//   unit-features switch ──────────────────────────────────┴→ render()
//
// The state lives in `state`; render() draws from it and nothing else.

import {byTestId, h} from '../dom.js';
import {SERIES, axisText, drawBarPanel, paintBar} from './barchart.js';
import {capacityCaption, capacitySettings, staleNote, tableNote} from './capacitycaption.js';
import {CAPACITY_LIMITS, DEFAULTS, FIELDS, MAPS, bound, checkForm, fieldFor} from './capacityform.js';
import {MODEL_WORDS, capacityModel, second, tableView} from './capacitymodel.js';
import {capacityCSV, capacityCurlLines, capacityRequestFile, fileBase} from './exportdata.js';
import {cancelJob, progressView, runJob} from './jobs.js';
import {sepLabel} from './model.js';
import {pct} from './captions.js';
import {watchScrollFocus} from './scrollfocus.js';

const ID = 'capacity';

/** A field's hint under its box: what it is, and its bounds. */
const HINTS = {
  d: 'the memories’ and queries’ length',
  m: 'Gaussian memories',
  k: 'the map’s output dimension',
  beta: 'inverse temperature, > 0',
  alpha: 'optional: adds α-entmax, 1.001 … 16',
  q: 'Gaussian queries',
  memorySeed: '0 … 2^53',
  querySeed: '0 … 2^53',
  mapSeed: '0 … 2^53',
};

const state = {
  form: {...DEFAULTS, maps: [...DEFAULTS.maps]},
  errors: {},
  status: 'waiting',
  events: [],
  jobId: null,
  running: false,
  cancelling: false,
  request: null, // the request of the answer shown
  answer: null,
  model: null,
  normalized: false,
  draws: 0,
  lastExport: null,
  paints: [],
};

let section;
let jobsPath;
let capacityURL;

/**
 * startCapacity wires the capacity lab's section, if the page has it,
 * and computes the authors' setting. It returns the read-only view of
 * its state for window.__figures.capacity, or null.
 * @param {{jobsPath: string, capacityURL: string}} opts
 */
export function startCapacity(opts) {
  section = document.querySelector(`[data-testid="figure-${ID}"]`);
  if (!section) return null;
  ({jobsPath, capacityURL} = opts);
  buildForm();
  const form = byTestId('capacity-form', section);
  form.addEventListener('input', onInput);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  byTestId('capacity-cancel', section).addEventListener('click', cancel);
  byTestId('capacity-defaults', section).addEventListener('click', () => {
    state.form = {...DEFAULTS, maps: [...DEFAULTS.maps]};
    fillForm();
    onInput();
  });
  const sw = byTestId('capacity-normalized', section);
  sw.checked = state.normalized;
  sw.addEventListener('change', () => {
    state.normalized = sw.checked;
    render();
  });
  for (const btn of section.querySelectorAll('button[data-export]')) btn.addEventListener('click', () => exportData(btn.dataset.export));
  byTestId(`curl-${ID}`, section).textContent = capacityCurlLines(capacityURL);
  new ResizeObserver(repaintSoon()).observe(byTestId(`panels-${ID}`, section));
  watchScrollFocus(byTestId('capacity-table-scroll', section));
  watchScrollFocus(byTestId(`settings-scroll-${ID}`, section));
  watchScrollFocus(byTestId(`curl-${ID}`, section).parentElement);
  addEventListener('pagehide', () => {
    if (state.jobId) fetch(`${jobsPath}/${state.jobId}`, {method: 'DELETE', keepalive: true}).catch(() => {});
  });
  onInput();
  submit();
  return hook();
}

// buildForm writes a labelled box per field, with its hint and its error
// line, and a check box per map of the paper's tables.
function buildForm() {
  const grid = byTestId('capacity-fields', section);
  grid.replaceChildren(...FIELDS.map((f) => {
    const id = `cap-${f.name}`;
    return h('div', {class: 'cap-field'},
      h('label', {for: id}, f.label),
      h('input', {id, class: 'num', type: 'text', inputmode: f.int ? 'numeric' : 'decimal', autocomplete: 'off', spellcheck: 'false',
        'data-testid': `capacity-${f.name}`, 'data-field': f.name, 'aria-describedby': `${id}-hint cap-err-${f.name}`}),
      h('span', {class: 'dim hint', id: `${id}-hint`}, `${HINTS[f.name]}${f.optional || f.name.endsWith('Seed') ? '' : `; at most ${bound(f.max)}`}`),
      h('span', {class: 'cap-field-error', id: `cap-err-${f.name}`, 'data-testid': `capacity-error-${f.name}`, hidden: true}));
  }));
  byTestId('capacity-maps', section).replaceChildren(...MAPS.map((name) => h('span', {class: 'choice'},
    h('input', {type: 'checkbox', id: `cap-map-${name}`, value: name, 'data-testid': `capacity-map-${name}`, 'data-map': name, 'aria-describedby': 'cap-err-maps'}),
    h('label', {for: `cap-map-${name}`}, sepLabel(name)))));
  fillForm();
}

// fillForm writes state.form into the boxes.
function fillForm() {
  for (const f of FIELDS) byTestId(`capacity-${f.name}`, section).value = state.form[f.name];
  for (const name of MAPS) byTestId(`capacity-map-${name}`, section).checked = state.form.maps.includes(name);
}

// onInput reads the form, checks it and shows its errors and estimate.
function onInput() {
  for (const f of FIELDS) state.form[f.name] = byTestId(`capacity-${f.name}`, section).value;
  state.form.maps = MAPS.filter((name) => byTestId(`capacity-map-${name}`, section).checked);
  const r = checkForm(state.form);
  showErrors(r.errors);
  const est = byTestId('capacity-estimate', section);
  est.textContent = r.work === undefined ? '' : `estimated ${cpuText(r.work)} of one core (the server's upper bound)`;
  showStale(r);
  return r;
}

// showStale labels the result shown as the previous one, and dims it,
// when it is not the form's (staleNote): a new job runs, was cancelled
// or failed, or the form was edited since. r is checkForm's answer.
function showStale(r = checkForm(state.form)) {
  const note = staleNote(state.model, state.request, r.request, state.status);
  const label = byTestId('capacity-stale', section);
  label.textContent = note;
  label.hidden = !note;
  const result = byTestId('capacity-result', section);
  result.classList.toggle('stale', !!note);
  if (note) result.setAttribute('aria-describedby', 'cap-stale');
  else result.removeAttribute('aria-describedby');
}

function cpuText(ns) {
  const s = ns / 1e9;
  return s < 1 ? `${Math.max(1, Math.round(s * 1000))} CPU-ms` : `${Number(s.toPrecision(3))} CPU-s`;
}

// showErrors marks the fields with errors and writes them under the boxes.
function showErrors(errors) {
  state.errors = errors;
  for (const name of [...FIELDS.map((f) => f.name), 'maps']) {
    const line = byTestId(`capacity-error-${name}`, section);
    line.textContent = errors[name] ?? '';
    line.hidden = !errors[name];
    if (name === 'maps') {
      for (const m of MAPS) setInvalid(byTestId(`capacity-map-${m}`, section), !!errors.maps);
    } else {
      setInvalid(byTestId(`capacity-${name}`, section), !!errors[name]);
    }
  }
}

function setInvalid(el, bad) {
  if (bad) el.setAttribute('aria-invalid', 'true');
  else el.removeAttribute('aria-invalid');
}

// submit computes the form's request, unless it has errors: then the
// first field with one gets the focus.
function submit() {
  if (state.running) return;
  const r = onInput();
  if (!r.request) {
    const first = [...FIELDS.map((f) => f.name), 'maps'].find((n) => r.errors[n]);
    const el = first === 'maps' ? byTestId(`capacity-map-${MAPS[0]}`, section) : byTestId(`capacity-${first}`, section);
    el.focus();
    return;
  }
  compute(r.request);
}

// compute runs request as a job, following its progress, then draws it.
async function compute(request) {
  const box = byTestId(`error-${ID}`, section);
  box.hidden = true;
  state.events = [];
  state.cancelling = false;
  setRunning(true);
  try {
    const answer = await runJob({
      jobsPath,
      kind: ID,
      request,
      onAccepted: (jobId) => {
        state.jobId = jobId;
        byTestId('capacity-cancel', section).disabled = false;
      },
      onUpdate: showProgress,
    });
    state.answer = answer;
    state.request = request;
    state.model = capacityModel(answer, request);
    state.status = 'done';
    render();
    for (const btn of section.querySelectorAll('button[data-export]')) btn.disabled = btn.dataset.export === 'inputs' && !state.model.inputs;
  } catch (err) {
    if (err.cancelled) {
      state.status = 'cancelled';
    } else {
      state.status = 'failed';
      box.textContent = `The server did not compute it: ${err.message}`;
      box.hidden = false;
      byTestId(`job-${ID}`, section).dataset.state = 'failed';
      byTestId(`job-text-${ID}`, section).textContent = 'failed';
      const name = fieldFor(err.field);
      if (name) showErrors({...state.errors, [name]: err.message});
    }
  } finally {
    state.jobId = null;
    setRunning(false);
    showStale();
  }
}

function setRunning(running) {
  state.running = running;
  byTestId('capacity-compute', section).disabled = running;
  byTestId('capacity-cancel', section).disabled = !running || !state.jobId;
}

// cancel asks the server to cancel the running job; the job's poll sees
// it end, cancelled.
async function cancel() {
  if (!state.jobId || state.cancelling) return;
  state.cancelling = true;
  byTestId('capacity-cancel', section).disabled = true;
  byTestId(`job-text-${ID}`, section).textContent = 'cancelling…';
  try {
    await cancelJob({jobsPath, id: state.jobId});
  } catch (err) {
    const box = byTestId(`error-${ID}`, section);
    box.textContent = `Cancelling failed: ${err.message}`;
    box.hidden = false;
  }
}

// showProgress shows a job update on the bar and records it.
function showProgress(u) {
  const v = progressView(u, state.events);
  const done = u.progress?.done ?? 0;
  const total = u.progress?.total ?? 0;
  state.events.push(Object.freeze({state: u.state, done, total}));
  state.status = v.state;
  let text = v.text;
  if (u.state === 'done' && u.startedAt && u.endedAt) {
    text += `, in ${((Date.parse(u.endedAt) - Date.parse(u.startedAt)) / 1000).toFixed(2)} s on the server`;
  }
  const job = byTestId(`job-${ID}`, section);
  job.dataset.state = v.state;
  const bar = byTestId(`progress-${ID}`, section);
  bar.setAttribute('aria-valuemax', String(Math.max(1, total)));
  bar.setAttribute('aria-valuenow', String(v.fraction === null ? 0 : done));
  bar.setAttribute('aria-valuetext', text);
  bar.classList.toggle('indeterminate', v.fraction === null);
  bar.querySelector('.fill').style.width = `${100 * (v.fraction ?? 0)}%`;
  byTestId(`job-text-${ID}`, section).textContent = text;
  showStale();
}

// render draws the answer shown: legend, chart, table, caption, settings.
function render() {
  const model = state.model;
  if (!model) return;
  const keys = ['raw', second(state.normalized)];
  state.paints = [];
  byTestId('capacity-legend', section).replaceChildren(...keys.map((key) => h('li', {},
    swatch(key), `${MODEL_WORDS[key]} (${SERIES[key].words})`)));
  byTestId(`panels-${ID}`, section).replaceChildren(...model.maps.map((c) => {
    const canvas = h('canvas', {role: 'img', 'aria-label': chartLabel(model, c, keys)});
    const box = h('div', {class: 'cv bars', 'data-testid': 'capacity-chart'}, canvas);
    state.paints.push(() => paint(canvas, box, (ctx, w, hh) => drawBarPanel(ctx, 0, 0, w, hh, c, model.ks, keys, model.q, w < 320 ? 10 : 12)));
    return box;
  }));
  repaint();
  fillTable(byTestId('capacity-table', section), tableView(model, state.normalized), model.q);
  byTestId('capacity-table-note', section).textContent = tableNote(model, MODEL_WORDS[second(state.normalized)]);
  byTestId(`caption-${ID}`, section).textContent = capacityCaption(model, state.normalized);
  const t = capacitySettings(model);
  byTestId(`settings-${ID}`, section).replaceChildren(
    h('thead', {}, h('tr', {}, ...t.head.map((c) => h('th', {scope: 'col'}, c)))),
    h('tbody', {}, ...t.rows.map(([name, v]) => h('tr', {}, h('th', {scope: 'row'}, name), h('td', {}, v)))));
  showStale();
  byTestId('capacity-inputs-note', section).textContent = model.inputs
    ? `The memories and queries are the ${model.m} and ${model.q} rows the retrieval started from (after scaling to unit length), as {"memories": […], "queries": […]}: a request may send them back as explicit arrays. To get this answer again bit for bit, send them with "normalizeMemories": false and "normalizeQueries": false; with the scaling left on they are scaled a second time, and the numbers (the trajectory's loss, the geometry, at times a histogram) may differ in the last bits.`
    : `The memories and queries are not in this answer: (M + Q)·d is beyond the ${CAPACITY_LIMITS.maxTrajectoryValues} numbers an answer may return; ask for fewer queries to export them.`;
}

// chartLabel names a panel of the chart in words, with the shares of the
// k it shows most: its text alternative, beside the table's numbers.
function chartLabel(model, c, keys) {
  const parts = keys.map((key) => {
    const top = model.ks.filter((k) => c[key][k] > 0).sort((a, b) => c[key][b] - c[key][a]).slice(0, 3);
    const words = top.map((k) => `k = ${k}: ${pct(c[key][k] / model.q)}`).join(', ');
    return `${MODEL_WORDS[key]} (${SERIES[key].words}) ${words || 'no query counted'}`;
  });
  return `${c.label}: bar chart of the share of the ${model.q} queries by k, the number of memories in the final mixture, ${axisText(model.ks)}; ${parts.join('; ')}. The table below has every number.`;
}

function swatch(key) {
  const canvas = h('canvas', {'aria-hidden': 'true'});
  const box = h('span', {class: 'cv swatch-box'}, canvas);
  state.paints.push(() => paint(canvas, box, (ctx, w, hh) => paintBar(ctx, key, 0.5, 0.5, w - 1, hh - 1)));
  return box;
}

// paint sizes canvas to its box at the device's pixel ratio and paints.
function paint(canvas, box, fn) {
  const w = box.clientWidth;
  const hh = box.clientHeight;
  if (!w || !hh) return;
  const dpr = devicePixelRatio || 1;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(hh * dpr);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  fn(ctx, w, hh);
}

function repaint() {
  for (const p of state.paints) p();
  state.draws++;
}

function repaintSoon() {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      if (state.model) repaint();
    });
  };
}

// fillTable writes the table: a header row of maps over their two
// models, then a row per k with each cell's share (its count in
// data-count and in its title).
function fillTable(table, view, q) {
  const n = view.models.length;
  table.replaceChildren(
    h('thead', {},
      h('tr', {}, h('td', {}), ...view.maps.map((c) => h('th', {scope: 'colgroup', colspan: n}, c.label))),
      h('tr', {}, h('th', {scope: 'col'}, 'k'), ...view.maps.flatMap(() => view.models.map((key) => h('th', {scope: 'col', 'data-model': key}, MODEL_WORDS[key]))))),
    h('tbody', {}, ...view.rows.map((r) => h('tr', {'data-k': r.k},
      h('th', {scope: 'row'}, String(r.k)),
      ...r.cells.map((c, i) => h('td', {'data-count': c.count, 'data-map': view.maps[Math.floor(i / n)].name, 'data-model': view.models[i % n],
        class: c.count === 0 ? 'zero' : null, title: `${c.count} of ${q} queries`}, c.count === 0 ? '0' : pct(c.share).replace(' %', '')))))));
}

// exportData downloads one of the exports of the answer shown.
function exportData(what) {
  if (!state.model) return;
  const base = fileBase(ID);
  let files;
  if (what === 'csv') files = [[`${base}.csv`, capacityCSV(state.model), 'text/csv']];
  if (what === 'json') files = [[`${base}.json`, `${JSON.stringify(state.answer)}\n`, 'application/json']];
  if (what === 'inputs') files = [[`${base}-inputs.json`, `${JSON.stringify(state.answer.inputs)}\n`, 'application/json']];
  if (what === 'request') files = [[`${base}-request.json`, capacityRequestFile(state.request), 'application/json']];
  for (const [name, text, type] of files) {
    const a = h('a', {href: URL.createObjectURL(new Blob([text], {type})), download: name, hidden: true});
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }
  state.lastExport = Object.freeze({figure: ID, kind: what, names: Object.freeze(files.map(([n]) => n))});
}

// hook is the capacity lab's part of window.__figures: frozen copies.
function hook() {
  return Object.freeze({
    /** state: 'waiting', 'busy', 'queued', 'running', 'done', 'cancelled' or 'failed'. */
    get state() {
      return state.status;
    },
    /** progress: every update of the last job the page showed, {state, done, total}. */
    get progress() {
      return Object.freeze([...state.events]);
    },
    /** jobId: the running job's id, or null. */
    get jobId() {
      return state.jobId;
    },
    /** request: the request of the answer shown (a copy), or null. */
    get request() {
      return state.request && JSON.parse(JSON.stringify(state.request));
    },
    /** normalized: whether the switch shows unit features. */
    get normalized() {
      return state.normalized;
    },
    /** errors: the form's errors, by field. */
    get errors() {
      return Object.freeze({...state.errors});
    },
    /** draws: how often the chart has been painted. */
    get draws() {
      return state.draws;
    },
    /** limits: the server's limits the form checks. */
    limits: CAPACITY_LIMITS,
    /** lastExport: {figure, kind, names} of the last export, or null. */
    get lastExport() {
      return state.lastExport;
    },
  });
}
