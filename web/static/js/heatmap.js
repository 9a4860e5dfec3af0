/**
 * The raster of one panel, one pixel per grid cell: the energy through the
 * colour map, or the flat basin colours (white: no single memory).
 *
 * The pixels are written into one reused ImageData, put on a small offscreen
 * canvas and drawn scaled onto the panel without smoothing, so each cell is a
 * crisp square. The ImageData and the canvas only grow: a smaller grid (a
 * coarse frame while a memory is dragged) uses their top-left nx × ny
 * corner, so nothing is allocated per frame once the largest grid has been
 * seen.
 */

import {colormapLUT} from './colormap.js';
import {MEMORY_COLORS, memoryRGB, UNDEFINED_RGB} from './palette.js';
import {LABEL_UNDEFINED, LABEL_WHITE} from './frame.js';

const LUT = colormapLUT();

/**
 * BASIN is the basin colour of every u16 label, 3 bytes each (192 KiB):
 * memory colours for 0…65533, white for 65535 (65534, undefined, is painted
 * apart). One lookup per pixel, as with the 256 labels of a byte: the loop
 * is the same. Memory colours repeat with the palette (memoryRGB(i) is
 * memoryRGB(i mod MEMORY_COLORS.length)), so the table is filled by copying
 * one period.
 */
export const BASIN = (() => {
  const t = new Uint8Array(65536 * 3);
  const period = MEMORY_COLORS.length;
  for (let l = 0; l < period; l++) t.set(memoryRGB(l), 3 * l);
  for (let at = 3 * period; at < 3 * LABEL_UNDEFINED; at += 3 * period) {
    t.copyWithin(at, 0, Math.min(3 * period, 3 * LABEL_UNDEFINED - at));
  }
  t.set(memoryRGB(-1), 3 * LABEL_WHITE);
  return t;
})();

export class Heatmap {
  constructor() {
    this.canvas = document.createElement('canvas');
    this.ctx = this.canvas.getContext('2d');
    this.image = null;
    this.nx = 0; // the grid of the raster painted last
    this.ny = 0;
  }

  /**
   * paint fills the raster from one panel. Row 0 of the grid (ymin) becomes
   * the bottom row of the image. The colour of cell k depends on show:
   *
   *   'energy': viridis((E_k − energyMin)/(energyMax − energyMin));
   *   'basins', 'both': the flat colour of its basin, white (255, 255, 255)
   *   where the query reached no single memory (label 65535). The contour
   *   lines of 'both' are drawn over the raster by the panel.
   *
   * Undefined cells (label 65534) get UNDEFINED_RGB in every mode: they have
   * neither an energy nor a basin to show.
   * @param {import('./frame.js').Panel} panel
   * @param {number} nx
   * @param {number} ny
   * @param {'energy'|'basins'|'both'} show
   */
  paint(panel, nx, ny, show) {
    if (!this.image || this.image.width < nx || this.image.height < ny) {
      const w = Math.max(nx, this.image ? this.image.width : 0);
      const h = Math.max(ny, this.image ? this.image.height : 0);
      this.canvas.width = w;
      this.canvas.height = h;
      this.image = this.ctx.createImageData(w, h);
    }
    this.nx = nx;
    this.ny = ny;
    const stride = this.image.width * 4;
    const px = this.image.data;
    const {energy, labels, energyMin, energyMax} = panel;
    const inv = energyMax > energyMin ? 255 / (energyMax - energyMin) : 0;
    const basins = show !== 'energy';
    for (let i = 0; i < ny; i++) {
      let o = (ny - 1 - i) * stride;
      for (let j = 0, k = i * nx; j < nx; j++, k++, o += 4) {
        const l = labels[k];
        let c;
        let lut;
        if (l === LABEL_UNDEFINED) {
          px[o] = UNDEFINED_RGB[0];
          px[o + 1] = UNDEFINED_RGB[1];
          px[o + 2] = UNDEFINED_RGB[2];
        } else {
          if (basins) {
            c = 3 * l;
            lut = BASIN;
          } else {
            const t = (energy[k] - energyMin) * inv;
            c = 3 * (t > 0 ? (t < 255 ? (t + 0.5) | 0 : 255) : 0);
            lut = LUT;
          }
          px[o] = lut[c];
          px[o + 1] = lut[c + 1];
          px[o + 2] = lut[c + 2];
        }
        px[o + 3] = 255;
      }
    }
    this.ctx.putImageData(this.image, 0, 0, 0, 0, nx, ny);
  }

  /**
   * draw puts the raster on ctx over the rectangle (left, top, width, height)
   * of the current coordinates, without smoothing.
   */
  draw(ctx, left, top, width, height) {
    if (!this.image) return;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.canvas, 0, 0, this.nx, this.ny, left, top, width, height);
  }
}
