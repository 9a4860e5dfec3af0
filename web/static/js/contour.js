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
    masked = scratchMask(nx * ny);
    for (let k = 0; k < nx * ny; k++) masked[k] = skip(k) ? 1 : 0;
  }
  let out = scratch;
  let n = 0;
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
      const lo = Math.min(Math.min(a, b), Math.min(d, e));
      const hi = Math.max(Math.max(a, b), Math.max(d, e));
      if (!(hi > lmin && lo <= lmax)) continue; // no level crosses it (or a corner is NaN)
      if (!(Number.isFinite(lo) && Number.isFinite(hi))) continue;
      if (masked !== null && (masked[k00] | masked[k10] | masked[k01] | masked[k11]) !== 0) continue;
      for (let l = 0; l < nl; l++) {
        const c = levels[l];
        if (!(lo <= c && c < hi)) continue;
        if (n + 8 > out.length) out = grow(out);
        // Corners counter-clockwise: a (bottom-left), b (bottom-right), e (top-right), d (top-left).
        const code = (a > c ? 1 : 0) | (b > c ? 2 : 0) | (e > c ? 4 : 0) | (d > c ? 8 : 0);
        // Crossing points on the four edges: bottom (j + frac(a, b), i),
        // right (j + 1, i + frac(b, e)), top (j + frac(d, e), i + 1),
        // left (j, i + frac(a, d)).
        let x0;
        let y0;
        let x1;
        let y1;
        switch (code) {
          case 1:
          case 14: // left, bottom
            x0 = j;
            y0 = i + frac(a, d, c);
            x1 = j + frac(a, b, c);
            y1 = i;
            break;
          case 2:
          case 13: // bottom, right
            x0 = j + frac(a, b, c);
            y0 = i;
            x1 = j + 1;
            y1 = i + frac(b, e, c);
            break;
          case 3:
          case 12: // left, right
            x0 = j;
            y0 = i + frac(a, d, c);
            x1 = j + 1;
            y1 = i + frac(b, e, c);
            break;
          case 4:
          case 11: // right, top
            x0 = j + 1;
            y0 = i + frac(b, e, c);
            x1 = j + frac(d, e, c);
            y1 = i + 1;
            break;
          case 6:
          case 9: // bottom, top
            x0 = j + frac(a, b, c);
            y0 = i;
            x1 = j + frac(d, e, c);
            y1 = i + 1;
            break;
          case 7:
          case 8: // left, top
            x0 = j;
            y0 = i + frac(a, d, c);
            x1 = j + frac(d, e, c);
            y1 = i + 1;
            break;
          default: {
            // 5 or 10, a saddle: a and e on one side, b and d on the other.
            const centreAbove = (a + b + d + e) / 4 > c;
            if ((code === 5) === centreAbove) {
              out[n++] = j; // left, top
              out[n++] = i + frac(a, d, c);
              out[n++] = j + frac(d, e, c);
              out[n++] = i + 1;
              x0 = j + frac(a, b, c); // bottom, right
              y0 = i;
              x1 = j + 1;
              y1 = i + frac(b, e, c);
            } else {
              out[n++] = j; // left, bottom
              out[n++] = i + frac(a, d, c);
              out[n++] = j + frac(a, b, c);
              out[n++] = i;
              x0 = j + 1; // right, top
              y0 = i + frac(b, e, c);
              x1 = j + frac(d, e, c);
              y1 = i + 1;
            }
          }
        }
        out[n++] = x0;
        out[n++] = y0;
        out[n++] = x1;
        out[n++] = y1;
      }
    }
  }
  scratch = out;
  return out.slice(0, n);
}

// scratch holds the segments while isolines runs; it only grows, and the
// answer is a copy of its first part. (The page is single-threaded.)
let scratch = new Float32Array(4096);
let mask = new Uint8Array(0);

function grow(buf) {
  const b = new Float32Array(2 * buf.length);
  b.set(buf);
  return b;
}

function scratchMask(n) {
  if (mask.length < n) mask = new Uint8Array(n);
  return mask;
}

// frac is where c lies between u and v, as a fraction in [0, 1].
function frac(u, v, c) {
  return u === v ? 0.5 : Math.min(1, Math.max(0, (c - u) / (v - u)));
}
