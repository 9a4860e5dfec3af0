/**
 * The key under a panel. Showing the energy: the colour bar from the
 * panel's minimum to its maximum energy (each panel has its own range),
 * with the map's name. Showing basins: what the flat colours mean, and,
 * with contours, the energy range that their levels split evenly.
 */

import {COLORMAP_NAME, colormapLUT} from './colormap.js';
import {formatNumber} from './viewport.js';

export class EnergyLegend {
  /**
   * @param {HTMLElement} parent the legend is appended to it
   * @param {string} testid data-testid of the legend element
   */
  constructor(parent, testid) {
    this.el = document.createElement('div');
    this.el.className = 'energy-legend';
    this.el.dataset.testid = testid;
    this.el.title = `Colour scale of this panel: ${COLORMAP_NAME}, from its lowest energy (dark) to its highest (bright)`;

    this.bar = document.createElement('canvas');
    this.bar.className = 'energy-legend__bar';
    this.bar.width = 256;
    this.bar.height = 1;
    this.bar.setAttribute('aria-hidden', 'true');
    const ctx = this.bar.getContext('2d');
    const img = ctx.createImageData(256, 1);
    const lut = colormapLUT();
    for (let k = 0; k < 256; k++) {
      img.data.set([lut[3 * k], lut[3 * k + 1], lut[3 * k + 2], 255], 4 * k);
    }
    ctx.putImageData(img, 0, 0);

    this.min = span('energy-legend__min');
    this.name = span('energy-legend__name');
    this.name.textContent = `energy · ${COLORMAP_NAME}`;
    this.max = span('energy-legend__max');
    this.el.append(this.bar, this.min, this.name, this.max);
    parent.append(this.el);
    this.text = '';
    this.mode = '';
  }

  /**
   * update shows a range for what the panel paints; NaN values show as
   * '–'. The DOM is touched only when the printed text changes.
   * @param {number} min
   * @param {number} max
   * @param {'energy'|'basins'|'both'} [show]
   * @param {number} [levels] contour levels drawn with 'both'
   */
  update(min, max, show = 'energy', levels = 0) {
    const lo = formatNumber(min);
    const hi = formatNumber(max);
    const text = `${lo}|${hi}|${show}|${levels}`;
    if (text === this.text) return;
    this.text = text;
    if (this.bar.hidden !== (show !== 'energy')) this.bar.hidden = show !== 'energy';
    if (this.el.dataset.show !== show) this.el.dataset.show = show;
    let title;
    if (show === 'energy') {
      setText(this.min, lo);
      setText(this.name, `energy · ${COLORMAP_NAME}`);
      setText(this.max, hi);
      title = `Colour scale of this panel: ${COLORMAP_NAME}, from its lowest energy (dark) to its highest (bright)`;
    } else if (show === 'both') {
      setText(this.min, lo);
      setText(this.name, `${levels} energy levels`);
      setText(this.max, hi);
      title = `Colour: the memory a query starting there is retrieved to; white: no single memory. Lines: ${levels} energy levels evenly spaced between ${lo} and ${hi}.`;
    } else {
      setText(this.min, '');
      setText(this.name, 'white = no single memory');
      setText(this.max, '');
      title = 'Colour: the memory a query starting there is retrieved to; white: no single memory (a metastable mixture, or not yet converged).';
    }
    if (this.el.title !== title) this.el.title = title;
  }

  /** align lines the bar up with the plot: insets from the canvas's left and right, CSS px. */
  align(left, right) {
    const l = `${left}px`;
    const r = `${right}px`;
    if (this.el.style.paddingLeft !== l) this.el.style.paddingLeft = l;
    if (this.el.style.paddingRight !== r) this.el.style.paddingRight = r;
  }
}

function span(className) {
  const el = document.createElement('span');
  el.className = className;
  return el;
}

// setText changes an element's text only when it differs: rewriting the
// same text would make the browser lay it out again.
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}
