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
  const n = march(energy, nx, ny, levels, skip);
  return scratch.slice(0, n);
}

/**
 * contourLines returns the segments of isolines joined into polylines, as
 * one flat array of points [j, i, j, i, …] in grid coordinates, each
 * polyline followed by a NaN pair. Segments join where they cross the same
 * grid edge for the same level (their end points are then the same
 * numbers); a closed line starts and ends at the same point. Drawing
 * polylines takes about half the path commands of the segments.
 * @param {ArrayLike<number>} energy nx·ny values
 * @param {number} nx
 * @param {number} ny
 * @param {number[]} levels
 * @param {(k: number) => boolean} [skip] as for isolines
 * @returns {Float32Array}
 */
export function contourLines(energy, nx, ny, levels, skip) {
  const n = march(energy, nx, ny, levels, skip);
  const segs = n / 4;
  const seg = scratch;
  const ids = scratchIds;
  // at[2p], at[2p+1]: the (at most two) segments ending at point p, valid
  // when stamp[p] is this call's generation.
  const points = levels.length * (ny * (nx - 1) + (ny - 1) * nx);
  if (stamp.length < points) {
    stamp = new Uint32Array(points);
    at = new Int32Array(2 * points);
    generation = 0;
  }
  generation = (generation + 1) >>> 0 || 1;
  if (generation === 1) stamp.fill(0);
  for (let k = 0; k < segs; k++) {
    for (let e = 0; e < 2; e++) {
      const p = ids[2 * k + e];
      if (stamp[p] !== generation) {
        stamp[p] = generation;
        at[2 * p] = k;
        at[2 * p + 1] = -1;
      } else {
        at[2 * p + 1] = k;
      }
    }
  }
  // The other segment at point p than k is at[2p] or at[2p + 1] (or -1).
  const done = scratchDone(segs);
  // At most 3 points per segment: its two ends and a NaN pair.
  const out = scratchLines(6 * segs);
  let o = 0;
  for (let k0 = 0; k0 < segs; k0++) {
    if (done[k0]) continue;
    // Walk back to where the line begins (or once round a closed one).
    let k = k0;
    let end = 0; // the end of k the walk leaves from
    for (;;) {
      const p = ids[2 * k + end];
      const m = at[2 * p] === k ? at[2 * p + 1] : at[2 * p];
      if (m < 0 || m === k0) break;
      end = ids[2 * m] === p ? 1 : 0; // m's other end
      k = m;
    }
    // Then forward, point by point.
    out[o++] = seg[4 * k + 2 * end];
    out[o++] = seg[4 * k + 2 * end + 1];
    for (;;) {
      done[k] = 1;
      const e = 1 - end;
      out[o++] = seg[4 * k + 2 * e];
      out[o++] = seg[4 * k + 2 * e + 1];
      const p = ids[2 * k + e];
      const m = at[2 * p] === k ? at[2 * p + 1] : at[2 * p];
      if (m < 0 || done[m]) break;
      end = ids[2 * m] === p ? 0 : 1;
      k = m;
    }
    out[o++] = NaN;
    out[o++] = NaN;
  }
  return out.slice(0, o);
}

// march writes the segments of isolines into scratch (4 numbers each) and
// the ids of their end points into scratchIds (2 each): the level's index
// times the number of grid edges, plus the edge the point lies on
// (horizontal edges first, row by row, then vertical ones). It returns how
// many numbers it wrote into scratch.
function march(energy, nx, ny, levels, skip) {
  const nl = levels.length;
  if (nl === 0) return 0;
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
  const nh = ny * (nx - 1); // horizontal edges
  const edges = nh + (ny - 1) * nx;
  let out = scratch;
  let ids = scratchIds;
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
      // The cell's edges: bottom (j + frac(a, b), i), right (j + 1, i +
      // frac(b, e)), top (j + frac(d, e), i + 1), left (j, i + frac(a, d)).
      const bottom = i * (nx - 1) + j;
      const top = bottom + nx - 1;
      const left = nh + i * nx + j;
      const right = left + 1;
      for (let l = 0; l < nl; l++) {
        const c = levels[l];
        if (!(lo <= c && c < hi)) continue;
        if (n + 8 > out.length) {
          out = grow(out);
          ids = growIds(ids);
        }
        const base = l * edges;
        // Corners counter-clockwise: a (bottom-left), b (bottom-right), e (top-right), d (top-left).
        const code = (a > c ? 1 : 0) | (b > c ? 2 : 0) | (e > c ? 4 : 0) | (d > c ? 8 : 0);
        let x0;
        let y0;
        let x1;
        let y1;
        let e0;
        let e1;
        switch (code) {
          case 1:
          case 14: // left, bottom
            x0 = j;
            y0 = i + frac(a, d, c);
            x1 = j + frac(a, b, c);
            y1 = i;
            e0 = left;
            e1 = bottom;
            break;
          case 2:
          case 13: // bottom, right
            x0 = j + frac(a, b, c);
            y0 = i;
            x1 = j + 1;
            y1 = i + frac(b, e, c);
            e0 = bottom;
            e1 = right;
            break;
          case 3:
          case 12: // left, right
            x0 = j;
            y0 = i + frac(a, d, c);
            x1 = j + 1;
            y1 = i + frac(b, e, c);
            e0 = left;
            e1 = right;
            break;
          case 4:
          case 11: // right, top
            x0 = j + 1;
            y0 = i + frac(b, e, c);
            x1 = j + frac(d, e, c);
            y1 = i + 1;
            e0 = right;
            e1 = top;
            break;
          case 6:
          case 9: // bottom, top
            x0 = j + frac(a, b, c);
            y0 = i;
            x1 = j + frac(d, e, c);
            y1 = i + 1;
            e0 = bottom;
            e1 = top;
            break;
          case 7:
          case 8: // left, top
            x0 = j;
            y0 = i + frac(a, d, c);
            x1 = j + frac(d, e, c);
            y1 = i + 1;
            e0 = left;
            e1 = top;
            break;
          default: {
            // 5 or 10, a saddle: a and e on one side, b and d on the other.
            const centreAbove = (a + b + d + e) / 4 > c;
            if ((code === 5) === centreAbove) {
              ids[n / 2] = base + left; // left, top
              ids[n / 2 + 1] = base + top;
              out[n++] = j;
              out[n++] = i + frac(a, d, c);
              out[n++] = j + frac(d, e, c);
              out[n++] = i + 1;
              x0 = j + frac(a, b, c); // bottom, right
              y0 = i;
              x1 = j + 1;
              y1 = i + frac(b, e, c);
              e0 = bottom;
              e1 = right;
            } else {
              ids[n / 2] = base + left; // left, bottom
              ids[n / 2 + 1] = base + bottom;
              out[n++] = j;
              out[n++] = i + frac(a, d, c);
              out[n++] = j + frac(a, b, c);
              out[n++] = i;
              x0 = j + 1; // right, top
              y0 = i + frac(b, e, c);
              x1 = j + frac(d, e, c);
              y1 = i + 1;
              e0 = right;
              e1 = top;
            }
          }
        }
        ids[n / 2] = base + e0;
        ids[n / 2 + 1] = base + e1;
        out[n++] = x0;
        out[n++] = y0;
        out[n++] = x1;
        out[n++] = y1;
      }
    }
  }
  scratch = out;
  scratchIds = ids;
  return n;
}

// Scratch space, reused from call to call (the page is single-threaded):
// it only grows, and answers are copies.
let scratch = new Float32Array(4096);
let scratchIds = new Int32Array(2048);
let mask = new Uint8Array(0);
let stamp = new Uint32Array(0);
let at = new Int32Array(0);
let generation = 0;
let doneMarks = new Uint8Array(0);
let lineBuf = new Float32Array(0);

function grow(buf) {
  const b = new Float32Array(2 * buf.length);
  b.set(buf);
  return b;
}

function growIds(buf) {
  const b = new Int32Array(2 * buf.length);
  b.set(buf);
  return b;
}

function scratchMask(n) {
  if (mask.length < n) mask = new Uint8Array(n);
  return mask;
}

function scratchLines(n) {
  if (lineBuf.length < n) lineBuf = new Float32Array(n);
  return lineBuf;
}

function scratchDone(n) {
  if (doneMarks.length < n) doneMarks = new Uint8Array(n);
  doneMarks.fill(0, 0, n);
  return doneMarks;
}

// frac is where c lies between u and v, as a fraction in [0, 1].
function frac(u, v, c) {
  return u === v ? 0.5 : Math.min(1, Math.max(0, (c - u) / (v - u)));
}
