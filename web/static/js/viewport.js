/**
 * Where a view's box sits on a panel canvas, and the conversions between its
 * world coordinates (x right, y up) and CSS pixels of the canvas (x right,
 * y down).
 *
 * The plotted area is the box widened by half a cell on every side, so each
 * grid node is the centre of its drawn cell. It keeps the box's aspect ratio
 * (one world unit is as long across as it is up, so angles and distances look
 * right), sits centred in the canvas minus the gutters that hold the tick
 * labels, and has its edges on device pixels so the heatmap is crisp.
 */

/** Space around the plot, in CSS pixels: tick labels go left and below. */
export const GUTTER = Object.freeze({left: 34, right: 8, top: 8, bottom: 20});

export class Viewport {
  constructor() {
    /** Plot rectangle in CSS pixels (the widened box). */
    this.left = 0;
    this.top = 0;
    this.width = 0;
    this.height = 0;
    /** The widened box in world coordinates. */
    this.x0 = 0;
    this.x1 = 1;
    this.y0 = 0;
    this.y1 = 1;
    /** The view's box and grid it was laid out for. */
    this.box = null;
    this.valid = false;
  }

  /**
   * layout places box (an nx × ny grid) in a canvas of the given CSS size and
   * device pixel ratio. It returns true when the plot rectangle changed.
   * @param {number} cssWidth
   * @param {number} cssHeight
   * @param {number} dpr
   * @param {import('./frame.js').Box} box
   * @param {number} nx
   * @param {number} ny
   * @param {number} [scale] the gutters' scale (larger tick labels)
   * @returns {boolean}
   */
  layout(cssWidth, cssHeight, dpr, box, nx, ny, scale = 1) {
    const hx = (box.xmax - box.xmin) / (nx - 1) / 2;
    const hy = (box.ymax - box.ymin) / (ny - 1) / 2;
    const x0 = box.xmin - hx;
    const x1 = box.xmax + hx;
    const y0 = box.ymin - hy;
    const y1 = box.ymax + hy;
    const availW = Math.max(1, cssWidth - scale * (GUTTER.left + GUTTER.right));
    const availH = Math.max(1, cssHeight - scale * (GUTTER.top + GUTTER.bottom));
    const s = Math.min(availW / (x1 - x0), availH / (y1 - y0));
    const w = s * (x1 - x0);
    const h = s * (y1 - y0);
    const snap = (v) => Math.round(v * dpr) / dpr;
    const left = snap(scale * GUTTER.left + (availW - w) / 2);
    const top = snap(scale * GUTTER.top + (availH - h) / 2);
    const width = Math.max(snap(w), 1 / dpr);
    const height = Math.max(snap(h), 1 / dpr);
    const changed =
      left !== this.left || top !== this.top || width !== this.width || height !== this.height ||
      x0 !== this.x0 || x1 !== this.x1 || y0 !== this.y0 || y1 !== this.y1;
    Object.assign(this, {left, top, width, height, x0, x1, y0, y1, box, valid: true});
    return changed;
  }

  /** CSS x of world x. */
  px(x) {
    return this.left + ((x - this.x0) / (this.x1 - this.x0)) * this.width;
  }

  /** CSS y of world y. */
  py(y) {
    return this.top + ((this.y1 - y) / (this.y1 - this.y0)) * this.height;
  }

  /** World x of CSS x. */
  wx(px) {
    return this.x0 + ((px - this.left) / this.width) * (this.x1 - this.x0);
  }

  /** World y of CSS y. */
  wy(py) {
    return this.y1 - ((py - this.top) / this.height) * (this.y1 - this.y0);
  }

  /** CSS pixels per world unit along x. */
  get scale() {
    return this.width / (this.x1 - this.x0);
  }

  /** Whether CSS point (px, py) is on the plot. */
  contains(px, py) {
    return px >= this.left && px <= this.left + this.width && py >= this.top && py <= this.top + this.height;
  }

  /**
   * clampX / clampY limit a world coordinate to the view's box (used for
   * dragged memories, which must stay on the grid).
   */
  clampX(x) {
    return Math.min(Math.max(x, this.box.xmin), this.box.xmax);
  }

  clampY(y) {
    return Math.min(Math.max(y, this.box.ymin), this.box.ymax);
  }
}

/**
 * niceTicks returns round values (1, 2 or 5 × 10^k apart) in [lo, hi], about
 * count of them, and the number of decimals that prints them exactly.
 * @param {number} lo
 * @param {number} hi
 * @param {number} count
 * @returns {{values: number[], decimals: number}}
 */
export function niceTicks(lo, hi, count) {
  const span = hi - lo;
  if (!(span > 0) || !Number.isFinite(span)) return {values: [], decimals: 0};
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const step = (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const values = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
    values.push(k * step);
  }
  return {values, decimals};
}

/**
 * formatNumber prints v for a label: 3 significant digits, exponent form
 * outside 10⁻³ … 10⁴, a true minus sign, '–' for NaN or ±∞.
 * @param {number} v
 * @param {number} [decimals] fixed decimals instead of significant digits
 * @returns {string}
 */
export function formatNumber(v, decimals) {
  if (!Number.isFinite(v)) return '–';
  let s;
  if (decimals !== undefined) {
    s = v.toFixed(decimals);
  } else {
    const a = Math.abs(v);
    s = a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(2) : String(Number(v.toPrecision(3)));
  }
  if (/^-0(\.0*)?$/.test(s)) s = s.slice(1);
  return s.replace('-', '\u2212');
}
