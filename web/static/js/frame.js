/**
 * Decoding of the binary frames of the live protocol (docs/protocol.md,
 * "Frames"): a 64-byte little-endian header and a raw-deflate body holding the
 * memories and, per view, the grid box and the panels' energy, labels and
 * support.
 *
 * decodeFrame is the whole job; decodeHeader, frameBodyLength and decodeBody
 * are its synchronous, allocation-explicit parts, exported so they can be
 * tested without a decompressor. Every malformed input raises a FrameError
 * naming the field at fault; nothing is guessed or repaired.
 *
 * @typedef {{xmin: number, xmax: number, ymin: number, ymax: number}} Box
 * @typedef {{energyMin: number, energyMax: number, unlabeledFraction: number,
 *   energy: Float32Array, labels: Uint8Array, support: Uint8Array}} Panel
 *   Cell (i, j) is index i*nx + j; labels hold a memory index, 255 (none:
 *   white) or 254 (undefined: the cell's numbers overflowed).
 * @typedef {{space: 'input'|'feature', box: Box, panels: Panel[]}} View
 * @typedef {{seq: number, epoch: number, t: number, iterations: number,
 *   m: number, nx: number, ny: number,
 *   loss: number, deltaMin: number, minAngleDeg: number,
 *   inputPoints: Float64Array|null, featurePoints: Float64Array|null,
 *   views: View[]}} Frame
 *   Cell (i, j) of a view sits at x = xmin + j(xmax − xmin)/(nx − 1),
 *   y = ymin + i(ymax − ymin)/(ny − 1); row 0 is at the bottom (ymin).
 */

/** Bytes 0…3 of every frame. */
export const FRAME_MAGIC = 'HOPF';
/** The protocol version this module decodes. */
export const FRAME_VERSION = 1;
/** Length of the version-1 header. */
export const FRAME_HEADER_BYTES = 64;
/** Body encoding 1: raw deflate (RFC 1951). */
export const ENCODING_DEFLATE_RAW = 1;

const FLAG_INPUT_POINTS = 1;
const FLAG_FEATURE_POINTS = 2;
/** Flag bit 2: a coarse frame, rendered on a smaller grid while input moves. */
const FLAG_COARSE = 4;
const SPACES = ['feature', 'input']; // by the view block's space byte
const MAX_VIEWS = SPACES.length;
/** The label byte of a white cell: its query reached no single memory. */
export const LABEL_WHITE = 255;
/** The label byte of an undefined cell: its scores, energy or state overflowed. */
export const LABEL_UNDEFINED = 254;

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
 * @returns {Promise<Frame>}
 */
export async function decodeFrame(buf) {
  const bytes = asBytes(buf);
  const header = decodeHeader(bytes);
  const want = frameBodyLength(header);
  if (header.bodyLength !== want) {
    throw new FrameError(
      `header announces a ${header.bodyLength}-byte body, but M=${header.m}, ` +
        `V=${header.viewCount}, P=${header.panelCount}, ${header.nx}×${header.ny} need ${want}`,
    );
  }
  const body = await inflateRaw(bytes.subarray(FRAME_HEADER_BYTES), header.bodyLength);
  return decodeBody(header, body);
}

/**
 * decodeHeader reads and checks the 64-byte header.
 * @param {ArrayBuffer|ArrayBufferView} buf the whole frame (or at least its header)
 * @returns {{version: number, headerLength: number, seq: number, epoch: number,
 *   t: number, iterations: number, m: number, viewCount: number, panelCount: number,
 *   nx: number, ny: number, loss: number, deltaMin: number, minAngleDeg: number,
 *   flags: number, encoding: number, energyBits: number, bodyLength: number}}
 *   energyBits is byte 58, the bits of the energy quantisation; 0 there
 *   (the byte was reserved before) means 16.
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
    m: dv.getUint16(24, true),
    viewCount: dv.getUint8(26),
    panelCount: dv.getUint8(27),
    nx: dv.getUint16(28, true),
    ny: dv.getUint16(30, true),
    loss: dv.getFloat64(32, true),
    deltaMin: dv.getFloat64(40, true),
    minAngleDeg: dv.getFloat64(48, true),
    flags: dv.getUint8(56),
    encoding: dv.getUint8(57),
    energyBits: dv.getUint8(58) || 16,
    bodyLength: dv.getUint32(60, true),
  };
  if (h.version !== FRAME_VERSION) {
    throw new FrameError(`protocol version ${h.version}, this page decodes version ${FRAME_VERSION}`);
  }
  if (h.headerLength !== FRAME_HEADER_BYTES) {
    throw new FrameError(`header length ${h.headerLength}, want ${FRAME_HEADER_BYTES}`);
  }
  if (h.encoding !== ENCODING_DEFLATE_RAW) {
    throw new FrameError(`body encoding ${h.encoding}, want ${ENCODING_DEFLATE_RAW} (raw deflate)`);
  }
  if (h.energyBits > 16) {
    throw new FrameError(`energy quantised to ${h.energyBits} bits, at most 16`);
  }
  if (h.viewCount > MAX_VIEWS) {
    throw new FrameError(`${h.viewCount} views, at most ${MAX_VIEWS}`);
  }
  if (h.viewCount > 0 && (h.nx < 2 || h.ny < 2)) {
    throw new FrameError(`grid ${h.nx}×${h.ny}, each side needs at least 2 cells`);
  }
  return h;
}

/**
 * frameBodyLength is the decompressed body length the header implies:
 * 16M bytes per point set present, and per view 40 bytes, 24 per panel header
 * and 4·nx·ny per panel grid.
 * @param {{m: number, flags: number, viewCount: number, panelCount: number, nx: number, ny: number}} header
 * @returns {number}
 */
export function frameBodyLength(header) {
  const sets = (header.flags & FLAG_INPUT_POINTS ? 1 : 0) + (header.flags & FLAG_FEATURE_POINTS ? 1 : 0);
  const cells = header.nx * header.ny;
  return sets * 16 * header.m + header.viewCount * (40 + header.panelCount * (24 + 4 * cells));
}

/**
 * decodeBody walks a decompressed body. The returned labels and support arrays
 * are views into body (no copies); energy is rebuilt into new Float32Arrays.
 * @param {ReturnType<typeof decodeHeader>} header
 * @param {Uint8Array} body
 * @returns {Frame}
 */
export function decodeBody(header, body) {
  const want = frameBodyLength(header);
  if (body.byteLength !== want) {
    throw new FrameError(`body is ${body.byteLength} bytes, the header implies ${want}`);
  }
  const {m, nx, ny} = header;
  const cells = nx * ny;
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let off = 0;
  const f64 = () => {
    const v = dv.getFloat64(off, true);
    off += 8;
    return v;
  };
  const points = (present, what) => {
    if (!present) return null;
    const p = new Float64Array(2 * m);
    for (let k = 0; k < p.length; k++) p[k] = f64();
    if (!p.every(Number.isFinite)) throw new FrameError(`${what} points are not all finite`);
    return p;
  };
  const inputPoints = points(header.flags & FLAG_INPUT_POINTS, 'input');
  const featurePoints = points(header.flags & FLAG_FEATURE_POINTS, 'feature');

  const views = [];
  const q = new Uint16Array(cells);
  const levels = 2 ** header.energyBits - 1;
  for (let v = 0; v < header.viewCount; v++) {
    const code = body[off];
    const space = SPACES[code];
    if (space === undefined) throw new FrameError(`view ${v}: space code ${code}, want 0 (feature) or 1 (input)`);
    if (views.some((w) => w.space === space)) throw new FrameError(`view ${v}: a second ${space} view`);
    off += 8;
    const box = {xmin: f64(), xmax: f64(), ymin: f64(), ymax: f64()};
    if (!(box.xmin < box.xmax && box.ymin < box.ymax) || !Object.values(box).every(Number.isFinite)) {
      throw new FrameError(`${space} view: box x ${box.xmin}…${box.xmax}, y ${box.ymin}…${box.ymax} is empty or not finite`);
    }
    const panels = [];
    for (let p = 0; p < header.panelCount; p++) {
      const panel = {energyMin: f64(), energyMax: f64(), unlabeledFraction: f64()};
      const where = `${space} view, panel ${p}`;
      if (!(Number.isFinite(panel.energyMin) && Number.isFinite(panel.energyMax) && panel.energyMin <= panel.energyMax)) {
        throw new FrameError(`${where}: energy range ${panel.energyMin}…${panel.energyMax}`);
      }
      if (!(panel.unlabeledFraction >= 0 && panel.unlabeledFraction <= 1)) {
        throw new FrameError(`${where}: unlabeled fraction ${panel.unlabeledFraction} is outside [0, 1]`);
      }
      panels.push(panel);
    }
    for (let p = 0; p < header.panelCount; p++) {
      const panel = panels[p];
      const where = `${space} view, panel ${p}`;
      const lo = body.subarray(off, off + cells);
      const hi = body.subarray(off + cells, off + 2 * cells);
      panel.energy = new Float32Array(cells);
      const top = rebuildEnergy(panel.energy, q, lo, hi, nx, ny, panel.energyMin, panel.energyMax, levels);
      if (top > levels) throw new FrameError(`${where}: quantised energy ${top} exceeds ${levels} (${header.energyBits} bits)`);
      panel.labels = body.subarray(off + 2 * cells, off + 3 * cells);
      panel.support = body.subarray(off + 3 * cells, off + 4 * cells);
      off += 4 * cells;
      checkCells(panel.labels, panel.support, m, where);
    }
    views.push({space, box, panels});
  }
  return {
    seq: header.seq,
    epoch: header.epoch,
    t: header.t,
    iterations: header.iterations,
    m,
    nx,
    ny,
    loss: header.loss,
    deltaMin: header.deltaMin,
    minAngleDeg: header.minAngleDeg,
    inputPoints,
    featurePoints,
    views,
    coarse: Boolean(header.flags & FLAG_COARSE),
  };
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
 * inflateRaw decompresses a raw-deflate stream that must produce exactly
 * length bytes; it stops early when the stream produces more.
 * @param {Uint8Array} bytes
 * @param {number} length
 * @returns {Promise<Uint8Array>}
 */
export async function inflateRaw(bytes, length) {
  const out = new Uint8Array(length);
  let n = 0;
  let reader;
  try {
    reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
    for (;;) {
      const {done, value} = await reader.read();
      if (done) break;
      if (n + value.byteLength > length) {
        reader.cancel().catch(() => {});
        throw new FrameError(`body inflates to more than the ${length} bytes the header announces`);
      }
      out.set(value, n);
      n += value.byteLength;
    }
  } catch (err) {
    if (err instanceof FrameError) throw err;
    throw new FrameError(`body does not inflate: ${err && err.message ? err.message : err}`, {cause: err});
  }
  if (n !== length) {
    throw new FrameError(`body inflates to ${n} bytes, the header announces ${length}`);
  }
  return out;
}

function checkCells(labels, support, m, where) {
  for (let k = 0; k < labels.length; k++) {
    const l = labels[k];
    if (l >= m && l !== LABEL_WHITE && l !== LABEL_UNDEFINED) {
      throw new FrameError(`${where}: cell ${k} has label ${l}, but M = ${m}`);
    }
    if (support[k] > m) {
      throw new FrameError(`${where}: cell ${k} has support ${support[k]}, but M = ${m}`);
    }
  }
}

function asBytes(buf) {
  if (buf instanceof ArrayBuffer) return new Uint8Array(buf);
  if (ArrayBuffer.isView(buf)) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  throw new FrameError(`want an ArrayBuffer, got ${buf === null ? 'null' : typeof buf}`);
}
