// inspector.js: what lies under the pointer (the readout) and the
// retrieval path of a probed query, step by step, per separation map.

import {byTestId, fmt, h, onFrame} from './dom.js';
import {memoryStyle} from './palette.js';
import {separationShort, separationTitle} from './panels.js';
import {cellAt} from './readout.js';

/**
 * bindInspector draws the readout and the probe path list.
 * @param {{store: object, actions: object}} deps
 */
export function bindInspector({store, actions}) {
  const readout = byTestId('readout');
  const probeBox = byTestId('probe-path');
  const hint = readout.innerHTML;
  const probeHint = probeBox.innerHTML;

  const drawReadout = onFrame(() => {
    const s = store.getState();
    const hv = s.ui.hover;
    const frame = s.frame;
    if (!hv || !frame) {
      readout.innerHTML = hint; // the template's own static hint
      return;
    }
    const view = frame.views.find((v) => v.space === hv.space);
    if (!view) return;
    const rows = view.panels.map((_, i) => {
      const c = cellAt(frame, hv.space, i, hv.x, hv.y);
      const basin = !c ? '–' : c.label === -2 ? 'undefined (overflow)' : c.label < 0 ? 'none' : basinLabel(c.label);
      return h(
        'tr',
        {class: i === hv.panelIndex ? 'current' : null, 'data-testid': `readout-${i}`},
        h('th', {scope: 'row', title: separationTitle(frame.separations[i])}, separationShort(frame.separations[i])),
        h('td', {class: 'num', 'data-field': 'energy'}, c ? fmt(c.energy) : '–'),
        h('td', {'data-field': 'basin'}, basin),
        h('td', {class: 'num', 'data-field': 'support'}, c ? String(c.support) : '–'),
      );
    });
    const here = cellAt(frame, hv.space, hv.panelIndex ?? 0, hv.x, hv.y);
    readout.replaceChildren(
      h(
        'p',
        {class: 'coords'},
        `${hv.space} space  x = `,
        h('span', {'data-field': 'x', class: 'num'}, fmt(here ? here.x : hv.x)),
        '  y = ',
        h('span', {'data-field': 'y', class: 'num'}, fmt(here ? here.y : hv.y)),
      ),
      h(
        'table',
        {class: 'mini'},
        h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'map'), h('th', {scope: 'col'}, 'energy'), h('th', {scope: 'col'}, 'basin'), h('th', {scope: 'col', title: 'support size of the last update: memories with non-zero weight'}, 'support'))),
        h('tbody', {}, ...rows),
      ),
    );
  });

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

  store.subscribe((s, prev) => {
    if (s.ui.hover !== prev.ui.hover || (s.ui.hover && s.frame !== prev.frame)) drawReadout();
    if (s.probe !== prev.probe) drawProbe(s);
  });
}

// basinLabel is "memory 3" with a swatch of the memory's colour.
function basinLabel(i) {
  const sw = h('span', {class: 'swatch', 'aria-hidden': 'true'});
  sw.style.background = memoryStyle(i).color;
  return h('span', {class: 'basin'}, sw, `memory ${i}`);
}
