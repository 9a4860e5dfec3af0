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
 * @param {ArrayLike<number>} energy nx·ny values
 * @param {number} nx
 * @param {number} ny
 * @param {number[]} levels
 * @param {(k: number) => boolean} [skip] cells whose corner k is skipped get no segment
 * @returns {Float32Array}
 */
export function isolines(energy, nx, ny, levels, skip) {
  const out = [];
  for (const c of levels) {
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
        if (!(Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(d) && Number.isFinite(e))) continue;
        if (skip && (skip(k00) || skip(k10) || skip(k01) || skip(k11))) continue;
        // Corners counter-clockwise: a (bottom-left), b (bottom-right), e (top-right), d (top-left).
        const code = (a > c ? 1 : 0) | (b > c ? 2 : 0) | (e > c ? 4 : 0) | (d > c ? 8 : 0);
        if (code === 0 || code === 15) continue;
        // Crossing points on the four edges.
        const bottom = () => [j + frac(a, b, c), i];
        const right = () => [j + 1, i + frac(b, e, c)];
        const top = () => [j + frac(d, e, c), i + 1];
        const left = () => [j, i + frac(a, d, c)];
        const seg = (p, q) => out.push(p[0], p[1], q[0], q[1]);
        switch (code) {
          case 1:
          case 14:
            seg(left(), bottom());
            break;
          case 2:
          case 13:
            seg(bottom(), right());
            break;
          case 3:
          case 12:
            seg(left(), right());
            break;
          case 4:
          case 11:
            seg(right(), top());
            break;
          case 6:
          case 9:
            seg(bottom(), top());
            break;
          case 7:
          case 8:
            seg(left(), top());
            break;
          case 5:
          case 10: {
            // Saddle: a and e on one side, b and d on the other.
            const centreAbove = (a + b + d + e) / 4 > c;
            if ((code === 5) === centreAbove) {
              seg(left(), top());
              seg(bottom(), right());
            } else {
              seg(left(), bottom());
              seg(right(), top());
            }
            break;
          }
        }
      }
    }
  }
  return Float32Array.from(out);
}

// frac is where c lies between u and v, as a fraction in [0, 1].
function frac(u, v, c) {
  return u === v ? 0.5 : Math.min(1, Math.max(0, (c - u) / (v - u)));
}
