/**
 * Contour lines of a panel's energy (marching squares), drawn over flat
 * basins so that the energy stays readable where the basins take the
 * colour.
 *
 * Pure: no DOM. The grid is row-major, cell (i, j) at index i*nx + j; a
 * segment's end points are in grid coordinates (fractional column j,
 * fractional row i), linearly interpolated along the cell edges. Cells
 * with a non-finite corner (or a corner the mask excludes) get no segment.
 */

/**
 * contourLevels returns n levels evenly spaced strictly inside (lo, hi),
 * or [] when the range is empty or not finite.
 * @param {number} lo
 * @param {number} hi
 * @param {number} n
 * @returns {number[]}
 */
export function contourLevels(lo, hi, n) {
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo) || !(n >= 1)) return [];
  const out = [];
  for (let k = 1; k <= n; k++) out.push(lo + ((hi - lo) * k) / (n + 1));
  return out;
}

/**
 * isolines returns the segments of the level sets {E = level} for every
 * level, as a flat array [j0, i0, j1, i1, …] in grid coordinates. A saddle
 * cell is resolved by the mean of its four corners, so lines never cross.
 * Each cell is read once: its corners are checked, then only the levels
 * between its lowest and highest corner give segments (cell by cell, the
 * levels of a cell in their order).
 * @param {ArrayLike<number>} energy nx·ny values
 * @param {number} nx
 * @param {number} ny
 * @param {number[]} levels
 * @param {(k: number) => boolean} [skip] cells whose corner k is skipped get no segment
 * @returns {Float32Array}
 */
export function isolines(energy, nx, ny, levels, skip) {
  const out = new Segments();
  const nl = levels.length;
  if (nl === 0) return new Float32Array(0);
  let lmin = Infinity;
  let lmax = -Infinity;
  for (const c of levels) {
    lmin = Math.min(lmin, c);
    lmax = Math.max(lmax, c);
  }
  // Skipped corners, read once each.
  let masked = null;
  if (skip) {
    masked = new Uint8Array(nx * ny);
    for (let k = 0; k < nx * ny; k++) masked[k] = skip(k) ? 1 : 0;
  }
  for (let i = 0; i + 1 < ny; i++) {
    for (let j = 0; j + 1 < nx; j++) {
      const k00 = i * nx + j; // (j, i)
      const k10 = k00 + 1; // (j+1, i)
      const k01 = k00 + nx; // (j, i+1)
      const k11 = k01 + 1; // (j+1, i+1)
      const a = energy[k00];
      const b = energy[k10];
      const d = energy[k01];
      const e = energy[k11];
      // A level crosses the cell when lo ≤ c < hi (a corner above it, one not).
      const lo = Math.min(a, b, d, e);
      const hi = Math.max(a, b, d, e);
      if (!(hi > lmin && lo <= lmax)) continue; // no level crosses it (or a corner is NaN)
      if (!(Number.isFinite(lo) && Number.isFinite(hi))) continue;
      if (masked && (masked[k00] | masked[k10] | masked[k01] | masked[k11])) continue;
      for (let l = 0; l < nl; l++) {
        const c = levels[l];
        if (!(lo <= c && c < hi)) continue;
        // Corners counter-clockwise: a (bottom-left), b (bottom-right), e (top-right), d (top-left).
        const code = (a > c ? 1 : 0) | (b > c ? 2 : 0) | (e > c ? 4 : 0) | (d > c ? 8 : 0);
        // Crossing points on the four edges: bottom (j + frac(a, b), i),
        // right (j + 1, i + frac(b, e)), top (j + frac(d, e), i + 1),
        // left (j, i + frac(a, d)).
        switch (code) {
          case 1:
          case 14:
            out.push(j, i + frac(a, d, c), j + frac(a, b, c), i); // left, bottom
            break;
          case 2:
          case 13:
            out.push(j + frac(a, b, c), i, j + 1, i + frac(b, e, c)); // bottom, right
            break;
          case 3:
          case 12:
            out.push(j, i + frac(a, d, c), j + 1, i + frac(b, e, c)); // left, right
            break;
          case 4:
          case 11:
            out.push(j + 1, i + frac(b, e, c), j + frac(d, e, c), i + 1); // right, top
            break;
          case 6:
          case 9:
            out.push(j + frac(a, b, c), i, j + frac(d, e, c), i + 1); // bottom, top
            break;
          case 7:
          case 8:
            out.push(j, i + frac(a, d, c), j + frac(d, e, c), i + 1); // left, top
            break;
          case 5:
          case 10: {
            // Saddle: a and e on one side, b and d on the other.
            const centreAbove = (a + b + d + e) / 4 > c;
            if ((code === 5) === centreAbove) {
              out.push(j, i + frac(a, d, c), j + frac(d, e, c), i + 1); // left, top
              out.push(j + frac(a, b, c), i, j + 1, i + frac(b, e, c)); // bottom, right
            } else {
              out.push(j, i + frac(a, d, c), j + frac(a, b, c), i); // left, bottom
              out.push(j + 1, i + frac(b, e, c), j + frac(d, e, c), i + 1); // right, top
            }
            break;
          }
        }
      }
    }
  }
  return out.result();
}

// Segments collects segment end points in a Float32Array that doubles
// when full.
class Segments {
  constructor() {
    this.buf = new Float32Array(1024);
    this.n = 0;
  }

  push(x0, y0, x1, y1) {
    if (this.n + 4 > this.buf.length) {
      const b = new Float32Array(2 * this.buf.length);
      b.set(this.buf);
      this.buf = b;
    }
    const b = this.buf;
    b[this.n] = x0;
    b[this.n + 1] = y0;
    b[this.n + 2] = x1;
    b[this.n + 3] = y1;
    this.n += 4;
  }

  result() {
    return this.buf.slice(0, this.n);
  }
}

// frac is where c lies between u and v, as a fraction in [0, 1].
function frac(u, v, c) {
  return u === v ? 0.5 : Math.min(1, Math.max(0, (c - u) / (v - u)));
}
