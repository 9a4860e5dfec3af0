// lesson.js: lesson links. A teacher chooses, in the "lesson link" dialog,
// which controls to hide or lock and which views and maps to show, and
// copies a link (a permalink of version 2, permalink.js) whose ui.lesson
// says {hide: [names], lock: [names]}. The page opened with it shows the
// same scenario, iteration and layout with those controls hidden or
// disabled, and their keys and pointer gestures ignored. Locking is for
// teaching, not security: whoever edits the link gets every control back.
//
// The names are a contract (docs/lessons.md): they are never renamed;
// names this page does not know (from a newer hoplab) are ignored.

import {byTestId, h} from './dom.js';
import {encodeLink, LINK_VERSION} from './permalink.js';
import {separationShort} from './panels.js';
import {KNOWN_SEPARATIONS, SHOW_MODES, VIEW_ORDER} from './store.js';

/**
 * LESSON_CONTROLS are the controls a lesson link can hide or lock, in the
 * order the dialog lists them. ids: the data-testids of their elements;
 * wrap: the element around each that hiding removes (its label and help
 * with it); none: the control has no element of its own (a gesture).
 */
export const LESSON_CONTROLS = Object.freeze([
  {name: 'play', label: 'play / pause (Space)', ids: ['play'], wrap: '.tip-wrap'},
  {name: 'step', label: 'step and back (→, ←)', ids: ['step', 'back'], wrap: '.tip-wrap'},
  {name: 'reset', label: 'reset (r)', ids: ['reset'], wrap: '.tip-wrap'},
  {name: 'reseed', label: 'new random map', ids: ['reseed', 'map-seed'], wrap: '.tip-wrap'},
  {name: 'speed', label: 'speed', ids: ['speed'], wrap: '.field'},
  {name: 'scrubber', label: 'iteration slider', ids: ['scrubber'], wrap: '.field'},
  {name: 'presets', label: 'presets and their seed', ids: ['presets', 'preset-seed', 'present-preset'], wrap: '.presetbar, .present-bar .tip-wrap'},
  {name: 'beta', label: 'β', ids: ['param-beta', 'param-beta-range'], wrap: '.field'},
  {name: 'separations', label: 'separation maps', ids: ['param-separation-softmax'], wrap: '.field'},
  {name: 'retrieval', label: 'retrieval steps and tolerance', ids: ['param-steps', 'param-tolerance'], wrap: '.field'},
  {name: 'training', label: 'U-Hop+ training settings', ids: ['param-tau'], wrap: 'fieldset'},
  {name: 'grid', label: 'grid resolution', ids: ['param-grid'], wrap: '.field'},
  {name: 'views', label: 'views', ids: ['param-view-input'], wrap: '.field'},
  {name: 'show', label: 'what the panels show', ids: ['param-show'], wrap: '.field'},
  {name: 'memories', label: 'moving, adding and removing memories', ids: [], wrap: null},
  {name: 'probe', label: 'tracing a query (Shift+click)', ids: ['probe-path'], wrap: 'section'},
  {name: 'files', label: 'copy link, export and import', ids: ['copy-link', 'export', 'exports', 'import-open'], wrap: '.nav-item'},
]);

const NAMES = new Set(LESSON_CONTROLS.map((c) => c.name));

/** LESSON_MODES: what a lesson does to a control. */
export const LESSON_MODES = Object.freeze(['show', 'lock', 'hide']);

/**
 * parseLesson reads a link's ui.lesson: {hide, lock} with the known names,
 * each once, in LESSON_CONTROLS order (a name both hidden and locked is
 * hidden), or null when it hides and locks nothing or is not a lesson.
 * @param {unknown} raw
 * @returns {{hide: string[], lock: string[]}|null}
 */
export function parseLesson(raw) {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const list = (v) => new Set(Array.isArray(v) ? v.filter((n) => typeof n === 'string' && NAMES.has(n)) : []);
  const hide = list(raw.hide);
  const lock = list(raw.lock);
  const out = {hide: [], lock: []};
  for (const {name} of LESSON_CONTROLS) {
    if (hide.has(name)) out.hide.push(name);
    else if (lock.has(name)) out.lock.push(name);
  }
  return out.hide.length || out.lock.length ? out : null;
}

/**
 * lessonProblems says what parseLesson had to leave out of a link's
 * ui.lesson, or '' when it read all of it (or there is none): a lesson that
 * is not an object, fields other than hide and lock, lists that are not
 * lists, and names that are not controls (docs/lessons.md), the first five
 * of each list named. A teacher's typo is then said, not silently shown.
 * @param {unknown} raw
 * @returns {string}
 */
export function lessonProblems(raw) {
  if (raw === undefined || raw === null) return '';
  if (typeof raw !== 'object' || Array.isArray(raw)) return 'the lesson is not an object with hide and lock lists';
  const out = [];
  for (const key of Object.keys(raw)) {
    if (key !== 'hide' && key !== 'lock') out.push(`“${clip(key)}” is neither hide nor lock`);
  }
  for (const key of ['hide', 'lock']) {
    const list = raw[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      out.push(`${key} is not a list of control names`);
      continue;
    }
    const unknown = [...new Set(list.filter((n) => typeof n !== 'string' || !NAMES.has(n)).map((n) => clip(typeof n === 'string' ? n : JSON.stringify(n))))];
    if (unknown.length) {
      const more = unknown.length > 5 ? ` and ${unknown.length - 5} more` : '';
      out.push(`${key} names what is no control: ${unknown.slice(0, 5).map((n) => `“${n}”`).join(', ')}${more}`);
    }
  }
  return out.join('; ');
}

function clip(s) {
  return s.length > 24 ? `${s.slice(0, 24)}…` : s;
}

/** lessonMode is what lesson does to control name: 'hide', 'lock' or 'show'. */
export function lessonMode(lesson, name) {
  if (!lesson) return 'show';
  if (lesson.hide.includes(name)) return 'hide';
  if (lesson.lock.includes(name)) return 'lock';
  return 'show';
}

/** blocks tells whether lesson takes control name away (hidden or locked). */
export function blocks(lesson, name) {
  return lessonMode(lesson, name) !== 'show';
}

/** ACTION_CONTROLS names the control behind each of the page's actions (main.js). */
export const ACTION_CONTROLS = Object.freeze({
  togglePlay: 'play',
  step: 'step',
  back: 'step',
  reset: 'reset',
  reseed: 'reseed',
  speed: 'speed',
  goto: 'scrubber',
  preset: 'presets',
  removeSelected: 'memories',
  clearProbe: 'probe',
});

/**
 * gateActions wraps the page's actions so that those of a control the
 * lesson hides or locks do nothing (and return false), whoever calls them:
 * buttons, keys, other modules.
 * @param {object} actions
 * @param {() => ({hide: string[], lock: string[]}|null)} lesson the lesson now
 */
export function gateActions(actions, lesson) {
  const out = {};
  for (const [k, fn] of Object.entries(actions)) {
    const name = ACTION_CONTROLS[k];
    out[k] = name ? (...args) => (blocks(lesson(), name) ? false : fn(...args)) : fn;
  }
  return out;
}

/**
 * lessonLink is the payload of a lesson link made from the session's state
 * and the dialog's choices: the scenario at the iteration on show with the
 * chosen maps, the chosen views and what the panels show.
 * @param {{scenario: object, speed: number}} server the session's state
 * @param {{modes: Object<string, string>, views: string[], maps: string[], show: string}} choice
 */
export function lessonLink(server, choice) {
  const lesson = parseLesson({
    hide: Object.keys(choice.modes).filter((n) => choice.modes[n] === 'hide'),
    lock: Object.keys(choice.modes).filter((n) => choice.modes[n] === 'lock'),
  });
  const ui = {views: [...choice.views], speed: server.speed, show: choice.show};
  if (lesson) ui.lesson = lesson;
  return {v: LINK_VERSION, scenario: {...server.scenario, separations: [...choice.maps]}, ui};
}

/**
 * checkChoice says what is wrong with the dialog's choices, or ''.
 * @param {{views: string[], maps: string[]}} choice
 */
export function checkChoice(choice) {
  if (choice.views.length === 0) return 'Choose at least one view.';
  if (choice.maps.length === 0) return 'Choose at least one separation map.';
  return '';
}

/**
 * bindLesson applies the store's lesson to the page (hidden and disabled
 * controls, ignored gestures, the note saying so) and wires the dialog
 * that makes lesson links.
 * @param {{store: object}} deps
 */
export function bindLesson({store}) {
  const note = byTestId('lesson-note');
  const noteText = byTestId('lesson-note-text');
  const grid = byTestId('panels');
  const disabledByLesson = new Set();

  // Gestures on the panels that the lesson takes away are stopped before
  // they reach the canvas (capture phase on the grid).
  const stop = (ev) => {
    const lesson = store.getState().lesson;
    if (!lesson || !(ev.target instanceof HTMLCanvasElement)) return;
    const probe = ev.type === 'pointerdown' && ev.shiftKey;
    if (probe ? blocks(lesson, 'probe') : blocks(lesson, 'memories')) ev.stopPropagation();
  };
  grid.addEventListener('pointerdown', stop, true);
  grid.addEventListener('dblclick', stop, true);

  function elementsOf(c) {
    const els = c.ids.map((id) => document.querySelector(`[data-testid="${id}"]`)).filter(Boolean);
    return els.map((el) => (c.wrap && el.closest(c.wrap)) || el);
  }

  function controlsIn(el) {
    if (el.matches('button, input, select, textarea')) return [el];
    return [...el.querySelectorAll('button, input, select, textarea')];
  }

  // apply sets the controls aside; it runs again after the changes on
  // which other modules enable and disable their controls (live, t = 0,
  // sgd), so that a locked one stays disabled.
  function apply(s) {
    const lesson = s.lesson;
    for (const c of LESSON_CONTROLS) {
      const mode = lessonMode(lesson, c.name);
      for (const wrap of elementsOf(c)) {
        wrap.classList.toggle('lesson-hidden', mode === 'hide');
        wrap.classList.toggle('lesson-locked', mode === 'lock');
        for (const ctl of controlsIn(wrap)) {
          if (mode === 'show') {
            if (disabledByLesson.delete(ctl)) ctl.disabled = false;
          } else if (!ctl.disabled || disabledByLesson.has(ctl)) {
            ctl.disabled = true;
            disabledByLesson.add(ctl);
          }
        }
      }
    }
    note.hidden = !lesson;
    if (lesson) {
      const label = (n) => LESSON_CONTROLS.find((c) => c.name === n).label;
      const parts = [];
      if (lesson.hide.length) parts.push(`hidden: ${lesson.hide.map(label).join(', ')}`);
      if (lesson.lock.length) parts.push(`locked: ${lesson.lock.map(label).join(', ')}`);
      const text = `Lesson link: some controls are set aside for this lesson (${parts.join('; ')}).`;
      if (noteText.textContent !== text) noteText.textContent = text;
    }
  }
  // Only the changes after which other modules set their controls again
  // (a state, the status, the hello, errors) or the lesson changed; not
  // frames, hovers or drags.
  store.subscribe((s, prev) => {
    if (!s.lesson && !prev.lesson) return;
    if (s.lesson === prev.lesson && s.server === prev.server && s.status === prev.status && s.hello === prev.hello && s.errors === prev.errors) return;
    apply(s);
  });
  apply(store.getState());

  bindDialog(store);
}

// bindDialog wires the dialog that makes a lesson link.
function bindDialog(store) {
  const dialog = byTestId('lesson-dialog');
  const open = byTestId('lesson-open');
  const rows = byTestId('lesson-controls');
  const viewsBox = byTestId('lesson-views');
  const mapsBox = byTestId('lesson-maps');
  const showSel = byTestId('lesson-show');
  const url = byTestId('lesson-url');
  const problem = byTestId('lesson-problem');
  const copy = byTestId('lesson-copy');

  rows.replaceChildren(
    ...LESSON_CONTROLS.map((c) =>
      h('tr', {}, h('th', {scope: 'row'}, c.label, ' ', h('code', {class: 'dim'}, c.name)),
        ...LESSON_MODES.map((m) => h('td', {}, h('input', {type: 'radio', name: `lesson-${c.name}`, value: m, 'data-testid': `lesson-${c.name}-${m}`, 'aria-label': `${m} ${c.label}`, checked: m === 'show'})))),
    ),
  );
  for (const m of SHOW_MODES) showSel.append(new Option(m === 'both' ? 'basins + energy contours' : m, m));

  function checkbox(group, value, label, checked, disabled) {
    const id = `lesson-${group}-${value}`;
    return h('span', {class: 'lesson-check'}, h('input', {type: 'checkbox', id, value, 'data-testid': id, checked, disabled}), h('label', {for: id}, label));
  }

  // fill sets the choices from the page as it is: its views, maps and what it shows.
  function fill() {
    const s = store.getState();
    if (!s.server) return;
    const avail = s.server.availableViews || VIEW_ORDER;
    viewsBox.replaceChildren(...VIEW_ORDER.map((v) => checkbox('view', v, v === 'input' ? 'input space' : 'feature space', s.server.views.includes(v), !avail.includes(v))));
    const cur = s.server.scenario.separations || [];
    const maps = [...KNOWN_SEPARATIONS, ...cur.filter((m) => !KNOWN_SEPARATIONS.includes(m))];
    mapsBox.replaceChildren(...maps.map((m) => checkbox('map', m, separationShort(m), cur.includes(m), false)));
    showSel.value = s.ui.show;
    for (const c of LESSON_CONTROLS) {
      const mode = lessonMode(s.lesson, c.name);
      for (const r of rows.querySelectorAll(`input[name="lesson-${c.name}"]`)) r.checked = r.value === mode;
    }
  }

  function choice() {
    const modes = {};
    for (const c of LESSON_CONTROLS) modes[c.name] = rows.querySelector(`input[name="lesson-${c.name}"]:checked`)?.value || 'show';
    const checked = (box) => [...box.querySelectorAll('input:checked:not(:disabled)')].map((i) => i.value);
    return {modes, views: checked(viewsBox), maps: checked(mapsBox), show: showSel.value};
  }

  function update() {
    const s = store.getState();
    if (!s.server) return;
    const c = choice();
    const why = checkChoice(c);
    problem.textContent = why;
    copy.disabled = why !== '';
    url.value = why ? '' : `${location.origin}${location.pathname}#s=${encodeLink(lessonLink(s.server, c))}`;
  }

  open.addEventListener('click', () => {
    fill();
    update();
    dialog.showModal();
  });
  dialog.addEventListener('change', update);
  byTestId('lesson-close').addEventListener('click', () => dialog.close());
  copy.addEventListener('click', async () => {
    update();
    url.select();
    try {
      await navigator.clipboard.writeText(url.value);
      problem.textContent = 'Copied.';
    } catch {
      problem.textContent = 'Copy the link from the box above (the clipboard is not available here).';
    }
  });
  // The state moves on while the dialog is open (playing): the link follows.
  store.subscribe((s, prev) => {
    if (dialog.open && s.server !== prev.server) update();
  });
}
