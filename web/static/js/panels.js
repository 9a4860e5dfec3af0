// panels.js: the grid of landscapes, one row per view (input, then
// feature), one column per separation map, each cell a PanelView of
// panel.js. The grid follows the newest frame: when its views or maps
// change, the cells are built again. Drawing happens once per animation
// frame with the newest decoded frame only; frames decoded in between are
// never drawn.

import {byTestId, h, onFrameSoon} from './dom.js';
import {PanelView} from './panel.js';
import {VIEW_ORDER} from './store.js';
import {THEME_EVENT} from './theme.js';

const SEPARATION_TITLES = {
  softmax: ['softmax', '1'],
  entmax15: ['1.5-entmax', '1.5'],
  sparsemax: ['sparsemax', '2'],
};

/**
 * separationTitle is a panel's heading: "softmax (α = 1)".
 * @param {string} name a separation of the scenario
 */
export function separationTitle(name) {
  const known = SEPARATION_TITLES[name];
  if (known) return `${known[0]} (α = ${known[1]})`;
  const m = /^entmax:(.+)$/.exec(name || '');
  if (m) return `α-entmax (α = ${m[1]})`;
  return name || 'map';
}

/**
 * separationShort is a separation's short name for tables: "1.5-entmax".
 * @param {string} name
 */
export function separationShort(name) {
  const known = SEPARATION_TITLES[name];
  if (known) return known[0];
  const m = /^entmax:(.+)$/.exec(name || '');
  return m ? `${m[1]}-entmax` : name || 'map';
}

const VIEW_TITLES = {input: 'Input space', feature: 'Feature space'};

/**
 * bindPanels draws the frames.
 * @param {{store: object, onPanelEvent: (ev: object) => void,
 *   timeline?: {painted: (frame: object, paintEnd: number) => void}}} deps
 *   onPanelEvent gets every PanelView event with its space and panelIndex;
 *   timeline records every frame painted (timeline.js)
 * @returns {{toClient: (x: number, y: number) => ({x: number, y: number}|null)}}
 */
export function bindPanels({store, onPanelEvent, timeline = null, onPainted = null}) {
  const grid = byTestId('panels');
  let layout = ''; // "spaces|separations" of the built grid
  let views = []; // [{space, panels: PanelView[]}]
  let drawnFrame = null;

  // build makes the rows and cells for a frame's views and maps; paper:
  // softmax energies are drawn as the paper's Figure 1 does (no 1/β).
  function build(frame, paper) {
    for (const v of views) for (const p of v.panels) p.destroy();
    views = [];
    const spaces = VIEW_ORDER.filter((s) => frame.views.some((v) => v.space === s));
    const nPanels = frame.views.length ? frame.views[0].panels.length : 0;
    grid.replaceChildren();
    grid.style.setProperty('--cols', String(Math.max(1, nPanels)));
    grid.style.setProperty('--rows', String(Math.max(1, spaces.length)));
    for (const space of spaces) {
      const row = h('section', {class: 'view-row', 'data-space': space, 'data-testid': `row-${space}`, 'aria-label': VIEW_TITLES[space]});
      const explain = document.querySelector(`template[data-explain="${space}"]`);
      const head = h('div', {class: 'row-head'}, h('h2', {class: 'visually-hidden'}, VIEW_TITLES[space]));
      if (explain) head.append(document.importNode(explain.content, true));
      else head.append(h('p', {class: 'row-explain'}, h('strong', {}, VIEW_TITLES[space])));
      row.append(head);
      const cells = h('div', {class: 'row-cells'});
      const panels = [];
      for (let i = 0; i < nPanels; i++) {
        const heading = h('h3', {class: 'cell-title', 'data-testid': `heading-${space}-${i}`}, separationTitle(frame.separations[i]));
        if (paper && frame.separations[i] === 'softmax') {
          heading.append(' ', h('span', {class: 'dim', title: "Energy drawn as in the paper's Figure 1: ½‖q‖² − log Σ exp(β q·u), without the 1/β (view.paperSoftmaxEnergy)."}, '· paper energy'));
        }
        const holder = h('div', {class: 'cell-body'});
        cells.append(h('figure', {class: 'cell', 'data-testid': `cell-${space}-${i}`}, heading, holder));
        const emit = (ev) => onPanelEvent({...ev, panelIndex: i, panelSpace: space});
        panels.push(new PanelView(holder, {space, panelIndex: i, interactive: space === 'input', emit}));
      }
      row.append(cells);
      grid.append(row);
      views.push({space, panels});
    }
  }

  function uiFor(s) {
    return {
      separations: s.frame ? s.frame.separations : [],
      separationTitles: s.frame ? s.frame.separations.map(separationShort) : [],
      show: s.ui.show,
      selected: s.ui.selected,
      hover: s.ui.hover ? {space: s.ui.hover.space, x: s.ui.hover.x, y: s.ui.hover.y, dragging: s.ui.hover.dragging} : null,
      probe: s.probe && s.probe.paths ? {space: s.probe.space, x: s.probe.x, y: s.probe.y, paths: s.probe.paths} : null,
      optimum: s.server?.optimum ?? null,
    };
  }

  const draw = onFrameSoon(() => {
    const start = performance.now();
    const s = store.getState();
    const frame = s.frame;
    if (!frame) return;
    const paper = Boolean(s.server?.scenario?.view?.paperSoftmaxEnergy);
    const key = `${frame.views.map((v) => v.space).join(',')}|${frame.views[0]?.panels.length ?? 0}|${frame.separations.join(',')}|${paper}`;
    if (key !== layout) {
      build(frame, paper);
      layout = key;
    }
    const ui = uiFor(s);
    for (const v of views) for (const p of v.panels) p.render(frame, ui);
    if (frame !== drawnFrame) {
      drawnFrame = frame;
      if (timeline) timeline.painted(frame, start, performance.now());
      if (onPainted) onPainted(frame);
      store.dispatch({type: 'drawn', frame});
    }
  });

  // Tick labels are drawn in the theme's colours.
  document.addEventListener(THEME_EVENT, () => {
    for (const v of views) for (const p of v.panels) p.restyle();
  });

  // A drag's hover alone changes no panel (PanelView.signature).
  store.subscribe((s, prev) => {
    const ui = s.ui !== prev.ui && !(s.ui.hover?.dragging && prev.ui.hover?.dragging && s.ui.show === prev.ui.show && s.ui.selected === prev.ui.selected);
    if (s.frame !== prev.frame || ui || s.probe !== prev.probe) draw();
  });

  return {
    /** toClient maps input-space (x, y) to client pixels on the first input panel. */
    toClient(x, y) {
      const v = views.find((r) => r.space === 'input');
      return v && v.panels[0] ? v.panels[0].toClient(x, y) : null;
    },
    /** toClientIn maps (x, y) of a view's space to client pixels on one of its panels. */
    toClientIn(space, panelIndex, x, y) {
      const v = views.find((r) => r.space === space);
      const p = v && v.panels[panelIndex];
      return p ? p.toClient(x, y) : null;
    },
  };
}
