/**
 * What a panel shows at a point: the grid cell nearest to it.
 */

import {LABEL_UNDEFINED, LABEL_WHITE} from './frame.js';

/**
 * cellAt finds the grid cell of one panel nearest to (x, y), in the
 * coordinates of the view's space. Cells are the grid's nodes; each is drawn
 * as the square of half a spacing around its node, so the points that have a
 * cell are the box widened by half a cell on every side, exactly the drawn
 * heatmap. Elsewhere, and when the frame has no such view or panel, the
 * answer is null.
 * @param {import('./frame.js').Frame} frame
 * @param {'input'|'feature'} space
 * @param {number} panelIndex index of the separation
 * @param {number} x
 * @param {number} y
 * @returns {{i: number, j: number, x: number, y: number, energy: number,
 *   label: number, support: number} | null} (x, y) is the cell's node; label
 *   is the memory index, −1 for none (white), −2 for an undefined cell,
 *   whose energy is then NaN.
 */
export function cellAt(frame, space, panelIndex, x, y) {
  if (!frame) return null;
  const view = frame.views.find((v) => v.space === space);
  const panel = view && view.panels[panelIndex];
  if (!panel) return null;
  const {nx, ny} = view;
  const {xmin, xmax, ymin, ymax} = view.box;
  const dx = (xmax - xmin) / (nx - 1);
  const dy = (ymax - ymin) / (ny - 1);
  const j = Math.round((x - xmin) / dx);
  const i = Math.round((y - ymin) / dy);
  if (!(j >= 0 && j < nx && i >= 0 && i < ny)) return null; // also NaN
  const k = i * nx + j;
  const label = panel.labels[k];
  return {
    i,
    j,
    x: xmin + j * dx,
    y: ymin + i * dy,
    energy: label === LABEL_UNDEFINED ? NaN : panel.energy[k],
    label: label === LABEL_WHITE ? -1 : label === LABEL_UNDEFINED ? -2 : label,
    support: panel.support[k],
  };
}
