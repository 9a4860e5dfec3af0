// params.js: the parameter controls. Each edit is checked here first: a
// value the server would refuse (not a number, out of its domain, beyond
// the hello limits) is shown as an error next to its control and nothing is
// sent. A good value goes out as a `patch` (a JSON merge patch of the
// scenario), a `views` message, or only into the store for UI-only
// settings. The controls show the server's scenario whenever it changes,
// except the one being edited and those showing an error.

import {byTestId, onFrame, setProp} from './dom.js';
import {CHOICE_FIELDS, NUMBER_FIELDS, checkNumber, formatNumber, patchFor, valueAt} from './fields.js';
import {KNOWN_SEPARATIONS, VIEW_ORDER} from './store.js';

const BETA_MIN_LOG = -1; // slider: β = 10^(−1 + 4·pos/1000), 0.1 … 1000
const BETA_SPAN_LOG = 4;
const SLIDER_STEPS = 1000;
// Numbers from the scenario are shown to 6 significant digits (β = 1/0.9).
const DISPLAY_DIGITS = 6;

/** betaFromSlider maps a slider position to β (4 significant digits). */
export function betaFromSlider(pos) {
  return Number((10 ** (BETA_MIN_LOG + (BETA_SPAN_LOG * pos) / SLIDER_STEPS)).toPrecision(4));
}

/** sliderFromBeta is the inverse of betaFromSlider, clamped to the slider. */
export function sliderFromBeta(beta) {
  const pos = ((Math.log10(beta) - BETA_MIN_LOG) / BETA_SPAN_LOG) * SLIDER_STEPS;
  return Math.round(Math.min(SLIDER_STEPS, Math.max(0, pos)));
}

/**
 * bindParams wires the parameter controls to the store and the session.
 * @param {{store: object, send: (msg: object) => number}} deps
 */
export function bindParams({store, send}) {
  const {dispatch, getState} = store;
  const limits = () => getState().hello?.limits || {};
  const scenario = () => getState().server?.scenario;

  // While a control's edit is on its way, states that do not reflect it
  // yet (their seq is older) must not put the old value back.
  const pending = {}; // control name → seq of its newest message

  /** patch sends a merge patch of the scenario for the control name. */
  function patch(name, p) {
    if (!scenario()) return;
    const seq = send({type: 'patch', scenario: p});
    if (seq) pending[name] = seq;
  }

  function isPending(name, s) {
    return pending[name] !== undefined && s.server.seq < pending[name];
  }

  // Numbers typed into text boxes.
  for (const name of Object.keys(NUMBER_FIELDS)) {
    const input = byTestId(name === 'seed' ? 'preset-seed' : `param-${name}`);
    const commit = () => {
      const r = checkNumber(name, input.value, limits());
      if (r.error) {
        dispatch({type: 'field-error', name, message: r.error});
        return;
      }
      dispatch({type: 'field-ok', name});
      const path = NUMBER_FIELDS[name].path;
      if (!path || !scenario()) return;
      if (name === 'beta') betaRange.value = String(sliderFromBeta(r.value));
      if (valueAt(scenario(), path) === r.value) return;
      patch(name, patchFor(path, r.value));
    };
    // Enter and leaving the box both fire change.
    input.addEventListener('change', commit);
    input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        input.value = formatNumber(valueAt(scenario() || {}, NUMBER_FIELDS[name].path || []), DISPLAY_DIGITS);
        dispatch({type: 'field-ok', name});
      }
    });
    // A fixed value clears the error at once; a bad one waits for Enter.
    input.addEventListener('input', () => {
      if (getState().errors.fields[name] && !checkNumber(name, input.value, limits()).error) {
        dispatch({type: 'field-ok', name});
      }
    });
  }

  // β also has a logarithmic slider; patches go out at most once per frame.
  const betaRange = byTestId('param-beta-range');
  const betaBox = byTestId('param-beta');
  const sendBeta = onFrame(() => {
    const b = betaFromSlider(Number(betaRange.value));
    if (scenario() && scenario().beta !== b) patch('beta', {beta: b});
  });
  betaRange.addEventListener('input', () => {
    betaBox.value = formatNumber(betaFromSlider(Number(betaRange.value)), 4);
    dispatch({type: 'field-ok', name: 'beta'});
    sendBeta();
  });

  // Drop-downs and check boxes bound to one field.
  for (const [name, f] of Object.entries(CHOICE_FIELDS)) {
    const el = byTestId(`param-${name}`);
    el.addEventListener('change', () => {
      dispatch({type: 'field-ok', name});
      patch(name, patchFor(f.path, f.bool ? el.checked : el.value));
    });
  }

  const grid = byTestId('param-grid');
  grid.addEventListener('change', () => {
    const n = Number(grid.value);
    const max = limits().maxGridSide ?? 256;
    if (!(n >= 2 && n <= max)) {
      dispatch({type: 'field-error', name: 'grid', message: `The grid may have at most ${max} cells per side.`});
      return;
    }
    dispatch({type: 'field-ok', name: 'grid'});
    patch('grid', {view: {grid: {nx: n, ny: n}}});
  });

  // Separation maps: at least one; maps other than the three named ones
  // (entmax:α) stay as they are.
  const sepBoxes = KNOWN_SEPARATIONS.map((s) => byTestId(`param-separation-${s}`));
  for (const box of sepBoxes) {
    box.addEventListener('change', () => {
      const cur = scenario()?.separations || [];
      const chosen = KNOWN_SEPARATIONS.filter((_, i) => sepBoxes[i].checked);
      const extra = cur.filter((s) => !KNOWN_SEPARATIONS.includes(s));
      const next = [...chosen, ...extra];
      if (next.length === 0) {
        box.checked = true;
        dispatch({type: 'field-error', name: 'separations', message: 'Keep at least one separation map.'});
        return;
      }
      dispatch({type: 'field-ok', name: 'separations'});
      patch('separations', {separations: next});
    });
  }

  // Views: which landscapes the frames carry.
  const viewBoxes = VIEW_ORDER.map((v) => byTestId(`param-view-${v}`));
  const viewHelp = viewBoxes.map((b) => b.title);
  for (const box of viewBoxes) {
    box.addEventListener('change', () => {
      const views = VIEW_ORDER.filter((_, i) => viewBoxes[i].checked && !viewBoxes[i].disabled);
      if (views.length === 0) {
        box.checked = true;
        dispatch({type: 'field-error', name: 'views', message: 'Keep at least one view.'});
        return;
      }
      dispatch({type: 'field-ok', name: 'views'});
      if (!getState().server) return;
      const seq = send({type: 'views', views});
      if (seq) pending.views = seq;
    });
  }

  // What the panels paint: UI only.
  const showGroup = byTestId('param-show');
  const showInputs = [...showGroup.querySelectorAll('input[name="show"]')];
  showGroup.addEventListener('change', (ev) => {
    if (ev.target.name === 'show' && ev.target.checked) dispatch({type: 'show', value: ev.target.value});
  });

  const box = document.querySelector('.params');
  const fieldsets = box.querySelectorAll('fieldset');

  // show puts the session's values into the controls.
  // Controls are written only when a value changes (setProp): a state
  // message comes with every frame while a memory is dragged, and
  // rewriting the same values would have the page restyle the form.
  function show(s, prev) {
    const live = s.status === 'live' && s.server !== null;
    for (const fs of fieldsets) setProp(fs, 'disabled', !live);
    if (s.ui.show !== prev?.ui.show) {
      for (const input of showInputs) setProp(input, 'checked', input.value === s.ui.show);
    }
    if (!s.server || (prev && s.server === prev.server && s.errors === prev.errors)) return;
    const sc = s.server.scenario;
    const errs = s.errors.fields;
    const active = document.activeElement;
    for (const [name, f] of Object.entries(NUMBER_FIELDS)) {
      if (!f.path) continue;
      const input = byTestId(`param-${name}`);
      if (input === active || errs[name] || isPending(name, s)) continue;
      setProp(input, 'value', formatNumber(valueAt(sc, f.path), DISPLAY_DIGITS));
    }
    if (betaRange !== active && !errs.beta && !isPending('beta', s)) setProp(betaRange, 'value', String(sliderFromBeta(sc.beta)));
    for (const [name, f] of Object.entries(CHOICE_FIELDS)) {
      if (isPending(name, s)) continue;
      const el = byTestId(`param-${name}`);
      const v = valueAt(sc, f.path);
      if (f.bool) setProp(el, 'checked', Boolean(v));
      else if (v !== undefined) setProp(el, 'value', String(v));
    }
    setProp(byTestId('param-momentum'), 'disabled', sc.uhop?.optimizer !== 'sgd');
    const nx = valueAt(sc, ['view', 'grid', 'nx']);
    if (nx !== undefined && !errs.grid && !isPending('grid', s)) {
      if (![...grid.options].some((o) => o.value === String(nx))) grid.append(new Option(String(nx), String(nx)));
      setProp(grid, 'value', String(nx));
    }
    if (!isPending('separations', s)) {
      sepBoxes.forEach((b, i) => setProp(b, 'checked', (sc.separations || []).includes(KNOWN_SEPARATIONS[i])));
    }
    const dims = s.server.dims || {};
    const allowed = {input: dims.d === 2, feature: dims.k === 2};
    viewBoxes.forEach((b, i) => {
      const v = VIEW_ORDER[i];
      setProp(b, 'disabled', !allowed[v]);
      if (!isPending('views', s)) setProp(b, 'checked', s.server.views.includes(v));
      setProp(b, 'title', allowed[v] ? viewHelp[i] : `Needs ${v === 'input' ? 'memories of dimension d' : 'a feature dimension'} = 2.`);
    });
  }

  store.subscribe(show);
  show(getState(), null);
}
