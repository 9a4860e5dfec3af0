// exportcsv.js: the explorer's per-iteration numbers as CSV: the loss,
// Δmin and minimum angle of every iteration computed (the `metrics`
// messages, store.metrics), and the white share of every map in every
// view at the iterations drawn (store.unlabeled, as the "White share"
// chart shows them). The white shares are what the page measured, no
// more: while playing, the session skips the frames of some iterations
// and may render others on a coarser grid (docs/protocol.md, "Coarse
// frames"). The column white_source says, for every line, where its white
// shares come from (WHITE_SOURCES): a coarse share is never given as a
// full-resolution one, and a skipped iteration's shares are empty, not
// guessed. (The live protocol has no request for another iteration's
// frame without showing it; stepping to an iteration measures it.) Pure:
// no DOM; tested with node --test.

import {csvField} from './figures/exportdata.js';
import {VIEW_ORDER} from './store.js';

/** WHITE_SOURCES: the values of the column white_source, and what each means. */
export const WHITE_SOURCES = Object.freeze({
  full: 'the white shares of the full grid of the page, as a frame at rest shows them',
  coarse: 'the white shares of a coarser grid, rendered while playing: approximate',
  not_rendered: 'no white shares: the iteration was computed but its frame was skipped while playing (step to it to measure it)',
});

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
 * drawn: t, loss, deltaMin, minAngleDeg, white_source (WHITE_SOURCES),
 * then white_<view>_<map> for every series. A value that does not exist
 * (M < 2, an iteration not drawn) is an empty field.
 * @param {{loss: (number|null)[], deltaMin: (number|null)[], minAngleDeg: (number|null)[]}} metrics
 * @param {{series: Object<string, Map<number, number>>, coarse?: Set<number>}} unlabeled
 *   coarse: the iterations whose shares came from coarse frames
 * @param {string[]} [separations]
 */
export function metricsCSV(metrics, unlabeled, separations = []) {
  const cols = whiteColumns(Object.keys(unlabeled.series), separations);
  const coarse = unlabeled.coarse ?? new Set();
  let last = Math.max(metrics.loss.length, metrics.deltaMin.length, metrics.minAngleDeg.length) - 1;
  for (const c of cols) for (const t of unlabeled.series[c.key].keys()) last = Math.max(last, t);
  const lines = [['t', 'loss', 'deltaMin', 'minAngleDeg', 'white_source', ...cols.map((c) => c.column)].map(csvField).join(',')];
  for (let t = 0; t <= last; t++) {
    const white = cols.map((c) => unlabeled.series[c.key].get(t));
    const source = white.every((v) => v === undefined) ? 'not_rendered' : coarse.has(t) ? 'coarse' : 'full';
    const row = [t, metrics.loss[t], metrics.deltaMin[t], metrics.minAngleDeg[t], source, ...white];
    lines.push(row.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * whiteSourceCounts counts the lines of metricsCSV by white_source.
 * @param {{loss: unknown[], deltaMin: unknown[], minAngleDeg: unknown[]}} metrics
 * @param {{series: Object<string, Map<number, number>>, coarse?: Set<number>}} unlabeled
 * @returns {{full: number, coarse: number, not_rendered: number}}
 */
export function whiteSourceCounts(metrics, unlabeled) {
  const out = {full: 0, coarse: 0, not_rendered: 0};
  const coarse = unlabeled.coarse ?? new Set();
  const series = Object.values(unlabeled.series);
  let last = Math.max(metrics.loss.length, metrics.deltaMin.length, metrics.minAngleDeg.length) - 1;
  for (const byT of series) for (const t of byT.keys()) last = Math.max(last, t);
  for (let t = 0; t <= last; t++) {
    if (!series.some((byT) => byT.has(t))) out.not_rendered++;
    else if (coarse.has(t)) out.coarse++;
    else out.full++;
  }
  return out;
}
