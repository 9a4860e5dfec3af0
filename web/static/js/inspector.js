// inspector.js: what lies under the pointer (the readout) and the
// retrieval path of a probed query, step by step, per separation map.

import {byTestId, fmt, h, onFrame} from './dom.js';
import {memoryStyle} from './palette.js';
import {separationShort, separationTitle} from './panels.js';
import {cellAt} from './readout.js';

/** While a memory is dragged, the readout changes at most once per this many ms. */
const DRAG_READOUT_MS = 200;

/**
 * bindInspector draws the readout and the probe path list.
 * @param {{store: object, actions: object}} deps
 */
export function bindInspector({store, actions}) {
  const readout = byTestId('readout');
  const probeBox = byTestId('probe-path');
  const hint = readout.innerHTML;
  const probeHint = probeBox.innerHTML;

  // The readout's table is built once for a view's maps and then updated
  // in place, only the texts that changed: while a memory is dragged it
  // changes with every frame, and new nodes would be laid out anew.
  let table = null; // {key, x, y, rows: [{tr, energy, basin, basinKey, support}]}
  const drawReadout = onFrame(() => {
    const s = store.getState();
    const hv = s.ui.hover;
    const frame = s.frame;
    if (!hv || !frame) {
      if (table) readout.innerHTML = hint; // the template's own static hint
      table = null;
      return;
    }
    const view = frame.views.find((v) => v.space === hv.space);
    if (!view) return;
    const key = `${hv.space}|${frame.separations.slice(0, view.panels.length).join('|')}|${view.panels.length}`;
    if (!table || table.key !== key) table = buildReadout(key, hv.space, frame.separations, view.panels.length);
    view.panels.forEach((_, i) => {
      const c = cellAt(frame, hv.space, i, hv.x, hv.y);
      const row = table.rows[i];
      if (row.tr.classList.contains('current') !== (i === hv.panelIndex)) row.tr.classList.toggle('current', i === hv.panelIndex);
      setText(row.energy, c ? fmt(c.energy) : '–');
      const basinKey = c ? c.label : null;
      if (basinKey !== row.basinKey) {
        row.basinKey = basinKey;
        row.basin.replaceChildren(!c ? '–' : c.label === -2 ? 'undefined (overflow)' : c.label < 0 ? 'none' : basinLabel(c.label));
      }
      setText(row.support, c ? String(c.support) : '–');
    });
    const here = cellAt(frame, hv.space, hv.panelIndex ?? 0, hv.x, hv.y);
    setText(table.x, fmt(here ? here.x : hv.x));
    setText(table.y, fmt(here ? here.y : hv.y));
  });

  // buildReadout makes the readout's coordinates line and table for n maps.
  function buildReadout(key, space, separations, n) {
    const x = h('span', {'data-field': 'x', class: 'num'});
    const y = h('span', {'data-field': 'y', class: 'num'});
    const rows = [];
    for (let i = 0; i < n; i++) {
      const row = {tr: null, energy: h('td', {class: 'num', 'data-field': 'energy'}), basin: h('td', {'data-field': 'basin'}), basinKey: undefined, support: h('td', {class: 'num', 'data-field': 'support'})};
      row.tr = h('tr', {'data-testid': `readout-${i}`}, h('th', {scope: 'row', title: separationTitle(separations[i])}, separationShort(separations[i])), row.energy, row.basin, row.support);
      rows.push(row);
    }
    readout.replaceChildren(
      h('p', {class: 'coords'}, `${space} space  x = `, x, '  y = ', y),
      h(
        'table',
        {class: 'mini'},
        h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'map'), h('th', {scope: 'col'}, 'energy'), h('th', {scope: 'col'}, 'basin'), h('th', {scope: 'col', title: 'support size of the last update: memories with non-zero weight'}, 'support'))),
        h('tbody', {}, ...rows.map((r) => r.tr)),
      ),
    );
    return {key, x, y, rows};
  }

  function drawProbe(s) {
    const p = s.probe;
    if (!p) {
      probeBox.innerHTML = probeHint;
      return;
    }
    const clear = h('button', {type: 'button', class: 'link-button', 'data-testid': 'probe-clear'}, 'clear');
    clear.addEventListener('click', () => actions.clearProbe());
    const head = h('p', {class: 'coords'}, `query in ${p.space} space at (${fmt(p.x)}, ${fmt(p.y)}) `, clear);
    if (!p.paths) {
      probeBox.replaceChildren(head, h('p', {class: 'dim'}, 'tracing…'));
      return;
    }
    const blocks = p.paths.map((path) => {
      const rows = path.points.map((pt, k) =>
        h(
          'tr',
          {},
          h('td', {class: 'num'}, String(k)),
          h('td', {class: 'num'}, fmt(pt[0])),
          h('td', {class: 'num'}, fmt(pt[1])),
          h('td', {class: 'num'}, fmt(path.energy[k])),
          h('td', {class: 'num'}, k === 0 ? '–' : String(path.support[k - 1] ?? '–')),
        ),
      );
      const end = path.label >= 0 ? basinLabel(path.label) : path.label === -2 ? 'undefined (overflow)' : 'none (white)';
      return h(
        'details',
        {open: true, class: 'path', 'data-separation': path.separation},
        h('summary', {}, `${separationTitle(path.separation)} → `, end),
        h(
          'table',
          {class: 'mini'},
          h('thead', {}, h('tr', {}, ...['step', 'x', 'y', 'energy', 'support'].map((c) => h('th', {scope: 'col'}, c)))),
          h('tbody', {}, ...rows),
        ),
      );
    });
    probeBox.replaceChildren(head, ...blocks);
  }

  // While a memory is dragged the hover follows it with every pointer
  // event and its numbers change with every frame: the readout then shows
  // them every DRAG_READOUT_MS (numbers that change 30 times a second
  // cannot be read), and the page is not laid out again in between.
  let dragTimer = 0;
  store.subscribe((s, prev) => {
    const dragging = Boolean(s.ui.hover?.dragging);
    const changed = s.ui.hover !== prev.ui.hover || (s.ui.hover && s.frame !== prev.frame);
    if (changed && !dragging) {
      clearTimeout(dragTimer);
      dragTimer = 0;
      drawReadout();
    } else if (changed && !dragTimer) {
      dragTimer = setTimeout(() => {
        dragTimer = 0;
        drawReadout();
      }, DRAG_READOUT_MS);
    }
    if (s.probe !== prev.probe) drawProbe(s);
  });
}

// basinLabel is "memory 3" with a swatch of the memory's colour.
function basinLabel(i) {
  const sw = h('span', {class: 'swatch', 'aria-hidden': 'true'});
  sw.style.background = memoryStyle(i).color;
  return h('span', {class: 'basin'}, sw, `memory ${i}`);
}

// setText changes an element's text only when it differs.
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}
