/**
 * Decoding of the binary frames of the live protocol, format version 2
 * (docs/protocol.md, "Frames"): a 64-byte little-endian header and a
 * raw-deflate body holding point sets (the memories in a space) and typed
 * tiles. The only tile kind so far is grid2d: a box, nx × ny cells and, per
 * panel (one separation map), the energy, labels and support. Tiles of a
 * kind this page does not know are skipped by their length.
 *
 * decodeFrame is the whole job; decodeHeader, inflateRaw and decodeBody are
 * its parts, exported so they can be tested without a decompressor and run
 * in the frame decoder's worker (framedecoder.js). Every malformed input
 * raises a FrameError naming the field at fault; nothing is guessed or
 * repaired.
 *
 * @typedef {{xmin: number, xmax: number, ymin: number, ymax: number}} Box
 * @typedef {{energyMin: number, energyMax: number, unlabeledFraction: number,
 *   separationIndex: number,
 *   energy: Float32Array, labels: Uint16Array, support: Uint16Array}} Panel
 *   Cell (i, j) is index i*nx + j; labels hold a memory index, 65535 (none:
 *   white) or 65534 (undefined: the cell's numbers overflowed).
 *   separationIndex indexes the state's separations.
 * @typedef {{space: 'input'|'feature', box: Box, nx: number, ny: number,
 *   panels: Panel[]}} View
 *   A grid2d tile. Cell (i, j) sits at x = xmin + j(xmax − xmin)/(nx − 1),
 *   y = ymin + i(ymax − ymin)/(ny − 1); row 0 is at the bottom (ymin).
 * @typedef {{space: 'input'|'feature', dim: number, points: Float64Array}} PointSet
 *   M points of dim coordinates, memory-major.
 * @typedef {{seq: number, epoch: number, t: number, iterations: number,
 *   m: number, nx: number, ny: number, coarse: boolean,
 *   loss: number, deltaMin: number, minAngleDeg: number,
 *   pointSets: PointSet[],
 *   inputPoints: Float64Array|null, featurePoints: Float64Array|null,
 *   views: View[], skippedTiles: number}} Frame
 *   views are the grid2d tiles in order; nx, ny those of the first (0 when
 *   there is none). inputPoints and featurePoints are the first 2-D point
 *   set of each space (x₀, y₀, x₁, y₁, …), null when there is none.
 */

import {inflateSync} from '../vendor/fflate/fflate.esm.js';

/** Bytes 0…3 of every frame. */
export const FRAME_MAGIC = 'HOPF';
/** The frame format version this module decodes (the JSON protocol has its own). */
export const FRAME_VERSION = 2;
/** Length of the header. */
export const FRAME_HEADER_BYTES = 64;
/** Body encoding 1: raw deflate (RFC 1951). */
export const ENCODING_DEFLATE_RAW = 1;
/** Tile kind 1: a 2-D grid. */
export const TILE_GRID2D = 1;
/** The largest body this page inflates (256 MiB): a bound on a header's claim. */
export const MAX_BODY_BYTES = 1 << 28;

/** Flag bit 0: a coarse frame, rendered on a smaller grid while input moves. */
const FLAG_COARSE = 1;
const SPACES = ['feature', 'input']; // by the space byte
const POINT_SET_HEADER = 8;
const TILE_HEADER = 8;
const GRID2D_GEOMETRY = 40; // u16 nx, u16 ny, 4 reserved, f64 xmin, xmax, ymin, ymax
const PANEL_HEADER = 32; // u8 separation index, 7 reserved, f64 energyMin, energyMax, unlabeled fraction
/** The label of a white cell: its query reached no single memory. */
export const LABEL_WHITE = 65535;
/** The label of an undefined cell: its scores, energy or state overflowed. */
export const LABEL_UNDEFINED = 65534;

/** FrameError reports a frame that does not follow docs/protocol.md. */
export class FrameError extends Error {
  constructor(message, options) {
    super(`frame: ${message}`, options);
    this.name = 'FrameError';
  }
}

/**
 * decodeFrame decodes one binary websocket message. It rejects with a
 * FrameError when the frame is malformed: wrong magic, version, header length
 * or encoding, a body that does not inflate to exactly the announced length,
 * or a body whose layout or values contradict the header.
 * @param {ArrayBuffer|ArrayBufferView} buf
 * @param {DecodeScratch} [scratch] buffers to reuse from one frame to the next
 * @returns {Promise<Frame>}
 */
export async function decodeFrame(buf, scratch) {
  const bytes = asBytes(buf);
  const header = decodeHeader(bytes);
  const body = await inflateRaw(bytes.subarray(FRAME_HEADER_BYTES), header.bodyLength, scratch && scratch.body(header.bodyLength));
  return decodeBody(header, body, scratch);
}

/**
 * DecodeScratch holds the buffers a decoder may reuse between frames: the
 * inflated body and the quantised energies. Nothing of a decoded frame
 * points into them.
 */
export class DecodeScratch {
  constructor() {
    this.bodyBuf = new Uint8Array(0);
    this.qBuf = new Uint16Array(0);
  }

  /** body returns a Uint8Array of n + 1 bytes (inflateRaw's room), reused when large enough. */
  body(n) {
    if (this.bodyBuf.length < n + 1) this.bodyBuf = new Uint8Array(n + 1);
    return this.bodyBuf.subarray(0, n + 1);
  }

  /** q returns a Uint16Array of n entries, reused when large enough. */
  q(n) {
    if (this.qBuf.length < n) this.qBuf = new Uint16Array(n);
    return this.qBuf.subarray(0, n);
  }
}

/**
 * decodeHeader reads and checks the 64-byte header.
 * @param {ArrayBuffer|ArrayBufferView} buf the whole frame (or at least its header)
 * @returns {{version: number, headerLength: number, seq: number, epoch: number,
 *   t: number, iterations: number, m: number, tileCount: number, pointSetCount: number,
 *   flags: number, loss: number, deltaMin: number, minAngleDeg: number,
 *   encoding: number, energyBits: number, bodyLength: number}}
 */
export function decodeHeader(buf) {
  const bytes = asBytes(buf);
  if (bytes.byteLength < FRAME_HEADER_BYTES) {
    throw new FrameError(`${bytes.byteLength} bytes, shorter than the ${FRAME_HEADER_BYTES}-byte header`);
  }
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (magic !== FRAME_MAGIC) {
    throw new FrameError(`magic ${JSON.stringify(magic)}, want "${FRAME_MAGIC}"`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, FRAME_HEADER_BYTES);
  const h = {
    version: dv.getUint16(4, true),
    headerLength: dv.getUint16(6, true),
    seq: dv.getUint32(8, true),
    epoch: dv.getUint32(12, true),
    t: dv.getUint32(16, true),
    iterations: dv.getUint32(20, true),
    m: dv.getUint32(24, true),
    tileCount: dv.getUint16(28, true),
    pointSetCount: dv.getUint8(30),
    flags: dv.getUint8(31),
    loss: dv.getFloat64(32, true),
    deltaMin: dv.getFloat64(40, true),
    minAngleDeg: dv.getFloat64(48, true),
    encoding: dv.getUint8(56),
    energyBits: dv.getUint8(57),
    reserved: dv.getUint16(58, true),
    bodyLength: dv.getUint32(60, true),
  };
  if (h.version !== FRAME_VERSION) {
    throw new FrameError(`format version ${h.version}; this page decodes version ${FRAME_VERSION} only (reload the page, or update the server)`);
  }
  if (h.headerLength !== FRAME_HEADER_BYTES) {
    throw new FrameError(`header length ${h.headerLength}, want ${FRAME_HEADER_BYTES}`);
  }
  if (h.encoding !== ENCODING_DEFLATE_RAW) {
    throw new FrameError(`body encoding ${h.encoding}, want ${ENCODING_DEFLATE_RAW} (raw deflate)`);
  }
  if (h.energyBits < 1 || h.energyBits > 16) {
    throw new FrameError(`energy quantised to ${h.energyBits} bits, want 1 … 16`);
  }
  if (h.flags & ~FLAG_COARSE || h.reserved !== 0) {
    throw new FrameError(`flags ${h.flags}, reserved ${h.reserved}: unknown bits set`);
  }
  if (h.m > LABEL_UNDEFINED) {
    throw new FrameError(`M = ${h.m} memories, more than labels can name`);
  }
  if (h.bodyLength > MAX_BODY_BYTES) {
    throw new FrameError(`header announces a ${h.bodyLength}-byte body, more than ${MAX_BODY_BYTES}`);
  }
  return h;
}

/**
 * decodeBody walks a decompressed body. The returned frame owns its typed
 * arrays (energy, labels, support, points): none is a view into body or
 * into scratch, so body may be reused and the arrays transferred.
 * @param {ReturnType<typeof decodeHeader>} header
 * @param {Uint8Array} body
 * @param {DecodeScratch} [scratch]
 * @returns {Frame}
 */
export function decodeBody(header, body, scratch) {
  if (body.byteLength !== header.bodyLength) {
    throw new FrameError(`body is ${body.byteLength} bytes, the header announces ${header.bodyLength}`);
  }
  const m = header.m;
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let off = 0;
  const need = (n, what) => {
    if (n > body.byteLength - off) {
      throw new FrameError(`${what} needs ${n} bytes at offset ${off}, the body has ${body.byteLength - off} left`);
    }
  };
  const reserved = (n, what) => {
    for (let k = off; k < off + n; k++) {
      if (body[k] !== 0) throw new FrameError(`${what}: reserved byte ${k - off} is ${body[k]}, want 0`);
    }
    off += n;
  };
  const f64 = () => {
    const v = dv.getFloat64(off, true);
    off += 8;
    return v;
  };
  const spaceOf = (code, what) => {
    const space = SPACES[code];
    if (space === undefined) throw new FrameError(`${what}: space code ${code}, want 0 (feature) or 1 (input)`);
    return space;
  };

  const pointSets = [];
  for (let s = 0; s < header.pointSetCount; s++) {
    const what = `point set ${s}`;
    need(POINT_SET_HEADER, what);
    const space = spaceOf(body[off], what);
    const dim = body[off + 1];
    if (dim < 1) throw new FrameError(`${what}: dimension 0`);
    off += 2;
    reserved(6, what);
    need(8 * m * dim, what);
    const points = new Float64Array(m * dim);
    for (let k = 0; k < points.length; k++) points[k] = f64();
    if (!points.every(Number.isFinite)) throw new FrameError(`${what} (${space}): points are not all finite`);
    pointSets.push({space, dim, points});
  }

  const views = [];
  let skippedTiles = 0;
  const levels = 2 ** header.energyBits - 1;
  for (let ti = 0; ti < header.tileCount; ti++) {
    need(TILE_HEADER, `tile ${ti}`);
    const kind = body[off];
    const code = body[off + 1];
    const panelCount = dv.getUint16(off + 2, true);
    const rest = dv.getUint32(off + 4, true);
    off += TILE_HEADER;
    need(rest, `tile ${ti} (kind ${kind})`);
    const end = off + rest;
    if (kind !== TILE_GRID2D) {
      off = end; // a kind this page does not know
      skippedTiles++;
      continue;
    }
    const space = spaceOf(code, `tile ${ti}`);
    const where = `tile ${ti} (${space})`;
    need(GRID2D_GEOMETRY, where);
    const nx = dv.getUint16(off, true);
    const ny = dv.getUint16(off + 2, true);
    off += 4;
    reserved(4, where);
    const box = {xmin: f64(), xmax: f64(), ymin: f64(), ymax: f64()};
    if (nx < 2 || ny < 2) throw new FrameError(`${where}: grid ${nx}×${ny}, each side needs at least 2 cells`);
    if (!(box.xmin < box.xmax && box.ymin < box.ymax) || !Object.values(box).every(Number.isFinite)) {
      throw new FrameError(`${where}: box x ${box.xmin}…${box.xmax}, y ${box.ymin}…${box.ymax} is empty or not finite`);
    }
    const cells = nx * ny;
    const wantRest = GRID2D_GEOMETRY + panelCount * (PANEL_HEADER + 6 * cells);
    if (rest !== wantRest) {
      throw new FrameError(`${where}: ${rest} bytes, but ${panelCount} panels of ${nx}×${ny} need ${wantRest}`);
    }
    const panels = [];
    const seen = new Uint8Array(256); // by separation index
    for (let p = 0; p < panelCount; p++) {
      const pw = `${where}, panel ${p}`;
      const separationIndex = body[off];
      off += 1;
      reserved(7, pw);
      const panel = {separationIndex, energyMin: f64(), energyMax: f64(), unlabeledFraction: f64()};
      if (seen[separationIndex]++) throw new FrameError(`${pw}: separation ${separationIndex} again`);
      if (!(Number.isFinite(panel.energyMin) && Number.isFinite(panel.energyMax) && panel.energyMin <= panel.energyMax)) {
        throw new FrameError(`${pw}: energy range ${panel.energyMin}…${panel.energyMax}`);
      }
      if (!(panel.unlabeledFraction >= 0 && panel.unlabeledFraction <= 1)) {
        throw new FrameError(`${pw}: unlabeled fraction ${panel.unlabeledFraction} is outside [0, 1]`);
      }
      panels.push(panel);
    }
    const q = scratch ? scratch.q(cells) : new Uint16Array(cells);
    for (let p = 0; p < panelCount; p++) {
      const panel = panels[p];
      const pw = `${where}, panel ${p}`;
      panel.energy = new Float32Array(cells);
      const top = rebuildEnergy(panel.energy, q, body.subarray(off, off + cells), body.subarray(off + cells, off + 2 * cells), nx, ny, panel.energyMin, panel.energyMax, levels);
      if (top > levels) throw new FrameError(`${pw}: quantised energy ${top} exceeds ${levels} (${header.energyBits} bits)`);
      off += 2 * cells;
      panel.labels = new Uint16Array(cells);
      panel.support = new Uint16Array(cells);
      const bad = joinCells(panel.labels, panel.support, body, off, cells, m);
      if (bad >= 0) {
        throw new FrameError(`${pw}: cell ${bad} has label ${panel.labels[bad]} and support ${panel.support[bad]}, but M = ${m}`);
      }
      off += 4 * cells;
    }
    views.push({space, box, nx, ny, panels});
  }
  if (off !== body.byteLength) {
    throw new FrameError(`body is ${body.byteLength} bytes, its point sets and tiles take ${off}`);
  }
  const firstOf = (space) => {
    const s = pointSets.find((p) => p.space === space && p.dim === 2);
    return s ? s.points : null;
  };
  return {
    seq: header.seq,
    epoch: header.epoch,
    t: header.t,
    iterations: header.iterations,
    m,
    nx: views.length ? views[0].nx : 0,
    ny: views.length ? views[0].ny : 0,
    coarse: Boolean(header.flags & FLAG_COARSE),
    loss: header.loss,
    deltaMin: header.deltaMin,
    minAngleDeg: header.minAngleDeg,
    pointSets,
    inputPoints: firstOf('input'),
    featurePoints: firstOf('feature'),
    views,
    skippedTiles,
  };
}

/**
 * joinCells rebuilds a panel's u16 labels and support from their byte
 * planes, which follow each other at body[off…]: label low bytes, label high
 * bytes, support low bytes, support high bytes, n each. It returns the first
 * cell whose label is neither a memory (< m) nor 65534/65535, or whose
 * support exceeds m; −1 when every cell is well-formed.
 * @param {Uint16Array} labels out
 * @param {Uint16Array} support out
 * @param {Uint8Array} body
 * @param {number} off
 * @param {number} n
 * @param {number} m
 * @returns {number}
 */
export function joinCells(labels, support, body, off, n, m) {
  let bad = -1;
  for (let k = 0, a = off, b = off + n, c = off + 2 * n, d = off + 3 * n; k < n; k++) {
    const l = body[a + k] | (body[b + k] << 8);
    const s = body[c + k] | (body[d + k] << 8);
    labels[k] = l;
    support[k] = s;
    if (bad < 0 && ((l >= m && l < LABEL_UNDEFINED) || s > m)) bad = k;
  }
  return bad;
}

/**
 * rebuildEnergy undoes the plane predictor and the quantisation of one panel
 * (docs/protocol.md, "Energy"). In row order (i, then j):
 *
 *     q(i,j) = (r(i,j) + q(i,j−1) + q(i−1,j) − q(i−1,j−1)) mod 2¹⁶
 *     E(i,j) = energyMin + q(i,j)·(energyMax − energyMin)/levels
 *
 * with r = lo | hi<<8, missing neighbours 0 and levels = 2^bits − 1 (4095
 * for the 12 bits this server sends; the default, 65535, is for 16 bits).
 * q is scratch of nx·ny entries; the energies are
 * written to out. It returns the largest q, which a well-formed panel keeps
 * ≤ levels.
 * @param {Float32Array} out
 * @param {Uint16Array} q
 * @param {Uint8Array} lo low bytes of the residuals
 * @param {Uint8Array} hi high bytes of the residuals
 * @param {number} nx
 * @param {number} ny
 * @param {number} energyMin
 * @param {number} energyMax
 * @param {number} [levels] 2^bits − 1
 * @returns {number} the largest q
 */
export function rebuildEnergy(out, q, lo, hi, nx, ny, energyMin, energyMax, levels = 65535) {
  const step = (energyMax - energyMin) / levels;
  // A range wider than the largest float64 takes the convex form, which
  // cannot overflow (docs/protocol.md, "Energy").
  const wide = step === Infinity;
  let top = 0;
  for (let i = 0, k = 0; i < ny; i++) {
    for (let j = 0; j < nx; j++, k++) {
      let pred = 0;
      if (j > 0) pred += q[k - 1];
      if (i > 0) pred += q[k - nx];
      if (i > 0 && j > 0) pred -= q[k - nx - 1];
      const v = (lo[k] + (hi[k] << 8) + pred) & 0xffff;
      q[k] = v;
      if (v > top) top = v;
      out[k] = wide ? energyMin * (1 - v / levels) + energyMax * (v / levels) : energyMin + v * step;
    }
  }
  return top;
}

/**
 * inflateRaw decompresses a raw-deflate stream (RFC 1951) that must
 * produce exactly length bytes; it stops early when the stream produces
 * more. It inflates synchronously with fflate (vendored, MIT): on a
 * frame's few kilobytes that is several times faster than a
 * DecompressionStream and takes no trips through the event loop.
 * @param {Uint8Array} bytes
 * @param {number} length
 * @param {Uint8Array} [out] at least length + 1 bytes to write into (a new array when absent)
 * @returns {Promise<Uint8Array>} the first length bytes of out
 */
export async function inflateRaw(bytes, length, out = new Uint8Array(length + 1)) {
  if (out.length <= length) throw new RangeError(`inflateRaw: out holds ${out.length} bytes, want at least ${length + 1}`);
  let got;
  try {
    // One byte of room more than announced tells a longer body apart
    // (fflate stops writing at the end of the buffer it is given).
    got = inflateSync(bytes, {out});
  } catch (err) {
    // A stored block that runs past the buffer ends in a typed array's
    // RangeError; fflate's own errors (bad data, truncated) are Errors.
    if (err instanceof RangeError) throw new FrameError(`body inflates to more than the ${length} bytes the header announces`, {cause: err});
    throw new FrameError(`body does not inflate: ${err && err.message ? err.message : err}`, {cause: err});
  }
  if (got.length > length) throw new FrameError(`body inflates to more than the ${length} bytes the header announces`);
  if (got.length !== length) throw new FrameError(`body inflates to ${got.length} bytes, the header announces ${length}`);
  return out.subarray(0, length);
}

function asBytes(buf) {
  if (buf instanceof ArrayBuffer) return new Uint8Array(buf);
  if (ArrayBuffer.isView(buf)) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  throw new FrameError(`want an ArrayBuffer, got ${buf === null ? 'null' : typeof buf}`);
}
