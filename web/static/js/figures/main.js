// main.js: the figures page. Each figure is a background job of the
// server (kind "figure", docs/api.md); the page shows each job's progress,
// then draws the figure from its answer, writes its caption and settings
// from the same answer, and wires "open in the explorer" and the exports.
//
//   job updates ─→ progress bars          fidelity switch ─┐
//   answer ─→ model (model.js) ─→ panels, caption, settings, links, exports
//
// The state lives in `figures` and `fidelity`; render() draws a figure
// from them and nothing else.

import {byTestId, h} from '../dom.js';
import {drawMarker} from '../palette.js';
import {betaText, basinsCaption, energyCaption, fidelityDetails, fidelityNote, pct, prop31Caption, settingsTable} from './captions.js';
import {composeBasins, composeEnergy, composeProp31} from './compose.js';
import {drawBasinsPanel, drawColorBar, drawEnergyPanel, drawProp31Chart, energyScales} from './draw.js';
import {codeScenario, explorerHref, rowLinks} from './explorer.js';
import {basinsCSV, curlLines, energyCSV, fileBase, prop31CSV, requestFile, whiteCSV} from './exportdata.js';
import {progressView, runJob} from './jobs.js';
import {basinsModel, energyModel, prop31Model} from './model.js';
import {startCapacity} from './capacity.js';
import {tickLabels} from './levels.js';
import {watchScrollFocus} from './scrollfocus.js';
import {bindTheme} from '../theme.js';

const JOBS_PATH = document.body.dataset.jobsPath;
const FIGURES_URL = document.body.dataset.figuresUrl;
const EXPLORER_PATH = document.body.dataset.explorerPath;

/** The words of the two drawings of Figure 1. */
const MODE_WORDS = {published: 'as published', corrected: 'corrected'};

/** The default number of points of the Prop. 3.1 figure's explorer link. */
const DEFAULT_CODE_M = 8;

/** The largest M the live explorer takes (its limit of memories). */
const LIVE_MAX_M = 64;

let fidelity = 'published';

/**
 * figures holds each figure's state: its job's updates as the page saw
 * them (events), its status, answer and model once computed, the id of
 * its job while it runs, and how often it has been drawn.
 */
const figures = {};

// kinds says, per figure, how to read its answer, draw it and export it.
const kinds = {
  energy: {
    build: energyModel,
    render: renderEnergy,
    caption: (m) => energyCaption(m, fidelity),
    compose: (m) => composeEnergy(m, fidelity, {note: fidelityDetails(m), caption: energyCaption(m, fidelity)}),
    csv: (m) => [[`${fileBase('energy')}.csv`, energyCSV(m)]],
    links: (m) => rowLinks(m, {explorerPath: EXPLORER_PATH, show: 'energy', paperSoftmaxEnergy: fidelity === 'published'}),
    pngName: () => `${fileBase('energy')}-${fidelity === 'published' ? 'as-published' : 'corrected'}.png`,
  },
  basins: {
    build: basinsModel,
    render: renderBasins,
    caption: basinsCaption,
    compose: (m) => composeBasins(m, {caption: basinsCaption(m)}),
    csv: (m) => [[`${fileBase('basins')}.csv`, basinsCSV(m)], [`${fileBase('basins')}-white.csv`, whiteCSV(m)]],
    links: (m) => rowLinks(m, {explorerPath: EXPLORER_PATH, show: 'basins'}),
    pngName: () => `${fileBase('basins')}.png`,
  },
  prop31: {
    build: prop31Model,
    render: renderProp31,
    caption: prop31Caption,
    compose: (m) => composeProp31(m, {caption: prop31Caption(m)}),
    csv: (m) => [[`${fileBase('prop31')}.csv`, prop31CSV(m)]],
    links: null,
    pngName: () => `${fileBase('prop31')}.png`,
  },
};

let lastExport = null;

/** The capacity lab's read-only view (capacity.js), once it started. */
let capacityHook = null;

function start() {
  for (const section of document.querySelectorAll('section[data-figure]')) {
    const id = section.dataset.figure;
    if (!kinds[id]) continue;
    figures[id] = {section, events: [], status: 'waiting', answer: null, model: null, jobId: null, draws: 0, redraw: []};
    byTestId(`curl-${id}`, section).textContent = curlText(id);
    for (const btn of section.querySelectorAll('button[data-export]')) btn.addEventListener('click', () => exportFigure(id, btn.dataset.export));
    new ResizeObserver(onResize(id)).observe(byTestId(`panels-${id}`, section));
    watchScrollFocus(byTestId(`settings-scroll-${id}`, section));
    watchScrollFocus(byTestId(`curl-${id}`, section).parentElement);
  }
  bindFidelity();
  bindTheme();
  installHook();
  addEventListener('pagehide', cancelRunning);
  for (const id of Object.keys(figures)) compute(id);
  capacityHook = startCapacity({jobsPath: JOBS_PATH, capacityURL: FIGURES_URL.replace(/\/figures$/, '/capacity')});
}

// curlText is the curl line of a figure; the Prop. 3.1 figure adds the
// GET its table comes from.
function curlText(id) {
  const line = curlLines(FIGURES_URL, id);
  if (id !== 'prop31') return line;
  const codes = FIGURES_URL.replace(/\/api\/v1\/figures$/, '/api/v1/spherical-codes?dim=3');
  return `${line}\n# the same table of codes:\ncurl -sS '${codes}'`;
}

// compute runs a figure's job, following its progress, then draws it.
async function compute(id) {
  const f = figures[id];
  try {
    f.answer = await runJob({
      jobsPath: JOBS_PATH,
      kind: 'figure',
      request: {figure: id},
      onAccepted: (jobId) => (f.jobId = jobId),
      onUpdate: (u) => showProgress(id, u),
    });
    f.jobId = null;
    f.model = kinds[id].build(f.answer);
    f.status = 'done';
    render(id);
    for (const btn of f.section.querySelectorAll('button[data-export]')) btn.disabled = false;
  } catch (err) {
    f.jobId = null;
    f.status = 'failed';
    const box = byTestId(`error-${id}`, f.section);
    box.textContent = `This figure could not be computed: ${err.message}`;
    box.hidden = false;
    byTestId(`job-${id}`, f.section).dataset.state = 'failed';
    byTestId(`job-text-${id}`, f.section).textContent = 'failed';
  }
}

// showProgress shows a job update on the figure's bar and records it.
function showProgress(id, u) {
  const f = figures[id];
  const v = progressView(u, f.events);
  const done = u.progress?.done ?? 0;
  const total = u.progress?.total ?? 0;
  const fromCopy = u.state === 'done' && v.text.startsWith('computed before');
  f.events.push(Object.freeze({state: u.state, done, total}));
  f.status = v.state;
  let text = v.text;
  if (u.state === 'done' && u.startedAt && u.endedAt && !fromCopy) {
    text += `, in ${((Date.parse(u.endedAt) - Date.parse(u.startedAt)) / 1000).toFixed(2)} s on the server`;
  }
  const job = byTestId(`job-${id}`, f.section);
  job.dataset.state = v.state;
  const bar = byTestId(`progress-${id}`, f.section);
  bar.setAttribute('aria-valuemax', String(Math.max(1, total)));
  bar.setAttribute('aria-valuenow', String(v.fraction === null ? 0 : done));
  bar.setAttribute('aria-valuetext', text);
  bar.classList.toggle('indeterminate', v.fraction === null);
  bar.querySelector('.fill').style.width = `${100 * (v.fraction ?? 0)}%`;
  byTestId(`job-text-${id}`, f.section).textContent = text;
}

// cancelRunning cancels the figures' jobs that still run when the page
// goes, so that they do not hold the address's places.
function cancelRunning() {
  for (const f of Object.values(figures)) {
    if (f.jobId) fetch(`${JOBS_PATH}/${f.jobId}`, {method: 'DELETE', keepalive: true}).catch(() => {});
  }
}

// render draws figure id from its model: panels, caption, settings, links.
function render(id) {
  const f = figures[id];
  if (!f.model) return;
  const k = kinds[id];
  const root = byTestId(`panels-${id}`, f.section);
  f.redraw = [];
  root.replaceChildren(...k.render(f.model, f.redraw));
  redraw(id);
  byTestId(`caption-${id}`, f.section).textContent = k.caption(f.model);
  fillSettings(byTestId(`settings-${id}`, f.section), settingsTable(f.model));
  fillLinks(id);
  if (id === 'energy') {
    byTestId('fidelity-note', f.section).textContent = fidelityNote();
    byTestId('fidelity-details', f.section).textContent = fidelityDetails(f.model);
  }
}

// redraw paints every canvas of figure id at its current size.
function redraw(id) {
  const f = figures[id];
  for (const paint of f.redraw) paint();
  f.draws++;
}

function onResize(id) {
  let queued = false;
  let last = '';
  return (entries) => {
    const w = Math.round(entries[0].contentRect.width);
    if (queued || String(w) === last) return;
    last = String(w);
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      if (figures[id].model) redraw(id);
    });
  };
}

// canvasBox makes a canvas that fills a box of the given class, named
// label for assistive technology (no label: decoration, hidden from it),
// and registers its painter, which gets the context (scaled to CSS
// pixels) and the box's size.
function canvasBox(cls, label, paints, paint) {
  const canvas = h('canvas', label ? {role: 'img', 'aria-label': label} : {'aria-hidden': 'true'});
  const box = h('div', {class: `cv ${cls}`}, canvas);
  paints.push(() => {
    const w = box.clientWidth;
    const hh = box.clientHeight;
    if (!w || !hh) return;
    const dpr = devicePixelRatio || 1;
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(hh * dpr);
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    paint(ctx, w, hh);
  });
  return box;
}

function scaleWords(s) {
  const [lo, hi] = tickLabels(s.levels, s.step, [0, s.levels.length - 1]);
  return `colour scale: ${lo} (dark) to ${hi} (light), ${s.levels.length - 1} bands`;
}

function rowHead(row) {
  return h('div', {class: 'row-head'}, `N = ${row.n}`, row.n === 0 ? h('span', {class: 'dim'}, 'no map') : null);
}

function colHeads(panels, extra) {
  return [h('div', {class: 'corner'}), ...panels.map((p) => h('div', {class: 'col-head'}, p.label)), extra ? h('div', {class: 'corner'}) : null];
}

// renderEnergy builds Figure 1's grids for the current drawing.
function renderEnergy(model, paints) {
  const mode = fidelity;
  const pub = mode === 'published';
  return model.subfigures.map((g) => {
    const scales = energyScales(g, mode);
    const cells = [...colHeads(g.rows[0].panels, !pub)];
    g.rows.forEach((row, r) => {
      cells.push(rowHead(row));
      row.panels.forEach((p, k) => {
        const what = `${p.label} energy, ${g.m} memories, N = ${row.n}${row.n === 0 ? ' (no feature map)' : ''}, ${MODE_WORDS[mode]}`;
        const cell = h('div', {class: 'cell', 'data-testid': 'panel'},
          canvasBox('square', what, paints, (ctx, w, hh) => drawEnergyPanel(ctx, 0, 0, w, hh, row, p[mode], scales[r][k])));
        if (pub) cell.append(canvasBox('hbar', `${p.label}, N = ${row.n}: ${scaleWords(scales[r][k])}`, paints, (ctx, w, hh) => drawColorBar(ctx, 0, 0, w, hh, scales[r][k], 'horizontal', 10)));
        cells.push(cell);
      });
      if (!pub) cells.push(canvasBox('vbar', `N = ${row.n}, the row's ${scaleWords(scales[r][0])}`, paints, (ctx, w, hh) => drawColorBar(ctx, 0, 0, w, hh, scales[r][0], 'vertical', 10)));
    });
    return h('div', {class: 'subfig', 'data-testid': `subfig-energy-${g.m}`},
      h('h3', {}, `${g.m} memories `, h('span', {class: 'dim'}, `β = ${betaText(g.beta)}`)),
      h('div', {class: `panel-grid ${pub ? 'published' : 'corrected'}`, role: 'group', 'aria-label': `${g.m} memories, ${MODE_WORDS[mode]}`}, ...cells));
  });
}

// renderBasins builds the basins figure's grid, white shares and legend.
function renderBasins(model, paints) {
  const cells = [...colHeads(model.rows[0].panels, false)];
  for (const row of model.rows) {
    cells.push(rowHead(row));
    for (const p of row.panels) {
      const what = `${p.label} basins, ${model.m} memories, N = ${row.n}${row.n === 0 ? ' (no feature map)' : ''}: white ${pct(p.white)}`;
      cells.push(h('div', {class: 'cell', 'data-testid': 'panel'},
        canvasBox('square', what, paints, (ctx, w, hh) => drawBasinsPanel(ctx, 0, 0, w, hh, row, p.labels)),
        h('p', {class: 'white-share', 'data-testid': 'white-share'}, `white ${pct(p.white)}`)));
    }
  }
  const legend = h('ul', {class: 'legend', 'aria-label': 'Colours'});
  for (let i = 0; i < model.m; i++) {
    legend.append(h('li', {}, canvasBox('marker', '', paints, (ctx, w, hh) => drawMarker(ctx, i, w / 2, hh / 2, 5)), `ξ${i + 1}`));
  }
  legend.append(h('li', {}, h('span', {class: 'swatch white'}), 'white: no single memory'));
  return [h('div', {class: 'subfig wide'},
    h('h3', {}, `${model.m} memories `, h('span', {class: 'dim'}, `β = ${betaText(model.beta)}`)),
    h('div', {class: 'panel-grid basins', role: 'group', 'aria-label': `${model.m} memories`}, ...cells), legend)];
}

// renderProp31 builds the Prop. 3.1 chart.
function renderProp31(model, paints) {
  const ms = model.plotted.map((r) => r.m);
  const label = `Δmin of the best known codes of M = ${ms[0]} … ${ms[ms.length - 1]} points on the sphere in ${model.dim}-D, between Prop. 3.1's lower and upper bounds, on a log scale`;
  return [canvasBox('chart', label, paints, (ctx, w, hh) => drawProp31Chart(ctx, 0, 0, w, hh, model, w < 500 ? 10 : 12))];
}

// fillSettings writes a settings table.
function fillSettings(table, t) {
  table.replaceChildren(
    h('thead', {}, h('tr', {}, ...t.head.map((c) => h('th', {scope: 'col'}, c)))),
    h('tbody', {}, ...t.rows.map(([name, ...vals]) => h('tr', {}, h('th', {scope: 'row'}, name), ...vals.map((v) => h('td', {}, v))))),
  );
}

// fillLinks writes a figure's "open in the explorer" links.
function fillLinks(id) {
  const f = figures[id];
  const box = byTestId(`explore-links-${id}`, f.section);
  if (id === 'prop31') {
    box.replaceChildren(...codeLink(f.model));
    return;
  }
  const links = kinds[id].links(f.model);
  const groups = [...new Set(links.map((l) => l.m))];
  box.replaceChildren(...groups.map((m) => h('p', {class: 'links-row'},
    groups.length > 1 ? h('span', {class: 'links-label'}, `${m} memories:`) : null,
    ...links.filter((l) => l.m === m).map((l) => h('a', {href: l.href, 'data-testid': 'explore-link', 'data-m': l.m, 'data-n': l.n,
      'aria-label': `Open ${l.label} in the explorer${id === 'energy' ? `, ${MODE_WORDS[fidelity]}` : ''}`}, `N = ${l.n}`)))));
}

// codeLink is the Prop. 3.1 figure's explorer link, for an M chosen among
// the plotted ones the explorer takes.
function codeLink(model) {
  const ms = model.plotted.map((r) => r.m).filter((m) => m <= LIVE_MAX_M);
  const select = h('select', {id: 'code-m', 'data-testid': 'code-m'}, ...ms.map((m) => h('option', {value: m, selected: m === DEFAULT_CODE_M}, String(m))));
  const a = h('a', {'data-testid': 'explore-link'});
  const set = () => {
    const m = Number(select.value);
    a.href = explorerHref(EXPLORER_PATH, codeScenario(m), {views: ['input', 'feature'], show: 'both'});
    a.textContent = `open M = ${m} in the explorer`;
    a.dataset.m = String(m);
  };
  select.addEventListener('change', set);
  set();
  return [h('p', {class: 'links-row'}, h('label', {for: 'code-m'}, 'M '), select, ' ', a)];
}

// bindFidelity wires the switch between the published drawing of
// Figure 1 and the corrected one: both energies are in the answer, so
// switching only redraws.
function bindFidelity() {
  for (const input of document.querySelectorAll('input[name="fidelity"]')) {
    if (input.checked) fidelity = input.value;
    input.addEventListener('change', () => {
      if (!input.checked) return;
      fidelity = input.value;
      render('energy');
    });
  }
}

// exportFigure downloads one of a figure's exports.
async function exportFigure(id, what) {
  const f = figures[id];
  if (!f.model) return;
  const k = kinds[id];
  if (what === 'png') {
    const pic = k.compose(f.model);
    const blob = await new Promise((resolve) => pic.canvas.toBlob(resolve, 'image/png'));
    const name = k.pngName();
    download(name, blob);
    lastExport = Object.freeze({figure: id, kind: 'png', names: Object.freeze([name]), width: pic.width, height: pic.height, pixelWidth: pic.canvas.width, pixelHeight: pic.canvas.height});
    return;
  }
  let files;
  if (what === 'csv') files = k.csv(f.model).map(([name, text]) => [name, new Blob([text], {type: 'text/csv'})]);
  if (what === 'json') files = [[`${fileBase(id)}.json`, new Blob([`${JSON.stringify(f.answer)}\n`], {type: 'application/json'})]];
  if (what === 'request') files = [[`${fileBase(id)}-request.json`, new Blob([requestFile(id)], {type: 'application/json'})]];
  for (const [name, blob] of files) download(name, blob);
  lastExport = Object.freeze({figure: id, kind: what, names: Object.freeze(files.map(([n]) => n))});
}

function download(name, blob) {
  const a = h('a', {href: URL.createObjectURL(blob), download: name, hidden: true});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

// installHook defines window.__figures, a read-only view of the page for
// tests and the curious: every value is a frozen copy.
function installHook() {
  const hook = {
    /** state(id): 'waiting', 'busy', 'queued', 'running', 'done' or 'failed'. */
    state: (id) => figures[id]?.status ?? null,
    /** progress(id): every job update the page showed, {state, done, total}. */
    progress: (id) => Object.freeze([...(figures[id]?.events ?? [])]),
    /** draws(id): how often the figure has been painted. */
    draws: (id) => figures[id]?.draws ?? 0,
    /** fidelity: the drawing of Figure 1, 'published' or 'corrected'. */
    get fidelity() {
      return fidelity;
    },
    /** lastExport: {figure, kind, names, …} of the last export, or null. */
    get lastExport() {
      return lastExport;
    },
    /** capacity: the capacity lab's state (capacity.js), or null. */
    get capacity() {
      return capacityHook;
    },
  };
  Object.defineProperty(window, '__figures', {value: Object.freeze(hook), enumerable: false, configurable: false, writable: false});
}

start();
