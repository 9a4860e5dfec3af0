// explorer.js: links that open a figure's row in the live explorer, in the
// explorer's permalink format (../permalink.js: #s=base64url of
// {scenario, ui}). Pure: no DOM; tested with node --test.

import {encodeLink} from '../permalink.js';

/** The explorer's input-view box for unit memories, as its presets have it (the Prop. 3.1 figure's link). */
export const LIVE_GRID = Object.freeze({nx: 128, ny: 128, xmin: -1.5, xmax: 1.5, ymin: -1.5, ymax: 1.5});

/**
 * explorerScenario is a figure run's scenario as the explorer takes it:
 * the same memories, β, initial map, U-Hop+ and retrieval settings, at
 * iteration t, with the three maps, the softmax energy as published or
 * not, on the figure's grid: its nx × ny cells and its margin, with no
 * bounds, so that the explorer fits its input view's box around the
 * memories ± the margin when it loads, as the figure does. At t = 0 with
 * the identity map (the row N = 0) that view is the figure's panel, cell
 * for cell; the explorer's feature view keeps its own fixed box.
 * @param {object} scenario a run's scenario from the figure's answer
 * @param {number} t
 * @param {{paperSoftmaxEnergy?: boolean}} [opts]
 */
export function explorerScenario(scenario, t, {paperSoftmaxEnergy = false} = {}) {
  const s = structuredClone(scenario);
  s.uhop = {...s.uhop, iterations: t};
  s.separations = ['softmax', 'entmax15', 'sparsemax'];
  const g = scenario.view.grid;
  s.view = {paperSoftmaxEnergy, grid: {nx: g.nx, ny: g.ny, margin: g.margin}};
  delete s.snapshots;
  return s;
}

/**
 * explorerHref is the explorer's address showing scenario, with the
 * page-only settings ui ({views, show}).
 * @param {string} explorerPath
 * @param {object} scenario
 * @param {object} ui
 */
export function explorerHref(explorerPath, scenario, ui) {
  return `${explorerPath}#s=${encodeLink({scenario, ui})}`;
}

/**
 * rowLinks lists a figure's "open in the explorer" links: one per row of
 * every memory count, at that row's iteration: N = 0 the identity map's
 * run, the others the authors' map's.
 * @param {object} model energyModel or basinsModel
 * @param {{explorerPath: string, show: string, paperSoftmaxEnergy?: boolean}} opts
 * @returns {{m: number, n: number, label: string, scenario: object, href: string}[]}
 */
export function rowLinks(model, {explorerPath, show, paperSoftmaxEnergy = false}) {
  const groups = model.subfigures ?? [model];
  const out = [];
  for (const g of groups) {
    for (const r of g.rows) {
      const base = r.map === 'identity' ? g.identity.scenario : g.authors.scenario;
      const scenario = explorerScenario(base, r.n, {paperSoftmaxEnergy});
      out.push({
        m: g.m,
        n: r.n,
        label: `${g.m} memories, N = ${r.n}${r.n === 0 ? ' (no feature map)' : ''}`,
        scenario,
        href: explorerHref(explorerPath, scenario, {views: ['input', 'feature'], show}),
      });
    }
  }
  return out;
}

/**
 * codeScenario is the explorer's counterpart of the Prop. 3.1 figure for
 * M points: the explorer is two-dimensional, so it shows M memories
 * crowded on a 90° arc with a 2-D affine map starting at the identity,
 * which U-Hop+ spreads towards the optimal 2-D code (the regular M-gon,
 * drawn dashed in its angle chart), at iteration 0.
 * @param {number} m
 */
export function codeScenario(m) {
  const memories = [];
  for (let i = 0; i < m; i++) {
    const a = ((90 * i) / Math.max(1, m - 1)) * (Math.PI / 180);
    memories.push([Number(Math.cos(a).toPrecision(12)), Number(Math.sin(a).toPrecision(12))]);
  }
  return {
    memories,
    normalizeMemories: true,
    beta: 20,
    separations: ['softmax', 'entmax15', 'sparsemax'],
    featureMap: {dim: 2, affine: true, init: 'identity'},
    uhop: {iterations: 0, optimizer: 'adam', lr: 0.02, tau: 0.1, loss: 'pairs'},
    view: {grid: {...LIVE_GRID}},
  };
}
