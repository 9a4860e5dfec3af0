// exportcsv.js: the explorer's per-iteration numbers as CSV: the loss,
// Δmin and minimum angle of every iteration computed (the `metrics`
// messages, store.metrics), and the white share of every map in every
// view at the iterations drawn in full (store.unlabeled, as the "White
// share" chart shows them; empty where an iteration was not drawn). Pure:
// no DOM; tested with node --test.

import {csvField} from './figures/exportdata.js';
import {VIEW_ORDER} from './store.js';

/**
 * whiteColumns orders the white-share series "map|view": by view (input,
 * feature), then by the scenario's order of maps, then by name.
 * @param {string[]} keys
 * @param {string[]} separations the scenario's maps, in order
 * @returns {{key: string, map: string, view: string, column: string}[]}
 */
export function whiteColumns(keys, separations = []) {
  const cols = keys.map((key) => {
    const cut = key.lastIndexOf('|');
    const map = key.slice(0, cut);
    const view = key.slice(cut + 1);
    return {key, map, view, column: `white_${view}_${map}`};
  });
  const rank = (list, v) => (list.includes(v) ? list.indexOf(v) : list.length);
  return cols.sort((a, b) => rank(VIEW_ORDER, a.view) - rank(VIEW_ORDER, b.view) || rank(separations, a.map) - rank(separations, b.map) || a.map.localeCompare(b.map));
}

/**
 * metricsCSV writes one line per iteration t = 0 … the last computed or
 * drawn: t, loss, deltaMin, minAngleDeg, then white_<view>_<map> for
 * every series. A value that does not exist (M < 2, an iteration not
 * drawn) is an empty field.
 * @param {{loss: (number|null)[], deltaMin: (number|null)[], minAngleDeg: (number|null)[]}} metrics
 * @param {{series: Object<string, Map<number, number>>}} unlabeled
 * @param {string[]} [separations]
 */
export function metricsCSV(metrics, unlabeled, separations = []) {
  const cols = whiteColumns(Object.keys(unlabeled.series), separations);
  let last = Math.max(metrics.loss.length, metrics.deltaMin.length, metrics.minAngleDeg.length) - 1;
  for (const c of cols) for (const t of unlabeled.series[c.key].keys()) last = Math.max(last, t);
  const lines = [['t', 'loss', 'deltaMin', 'minAngleDeg', ...cols.map((c) => c.column)].map(csvField).join(',')];
  for (let t = 0; t <= last; t++) {
    const row = [t, metrics.loss[t], metrics.deltaMin[t], metrics.minAngleDeg[t], ...cols.map((c) => unlabeled.series[c.key].get(t))];
    lines.push(row.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}
