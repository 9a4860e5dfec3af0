// Unit tests of frame.js (node --test): the decoder against the frames the
// Go encoder wrote (internal/live/testdata, written by TestWriteGoldenFrame),
// and malformed frames.

import assert from 'node:assert/strict';
import {readFile} from 'node:fs/promises';
import {test} from 'node:test';
import {deflateRawSync} from 'node:zlib';

import {
  DecodeScratch,
  decodeBody,
  decodeFrame,
  decodeHeader,
  FRAME_HEADER_BYTES,
  FrameError,
  inflateRaw,
  LABEL_UNDEFINED,
  LABEL_WHITE,
  rebuildEnergy,
} from './frame.js';

const testdata = new URL('../../../internal/live/testdata/', import.meta.url);
const load = async (name) => ({
  bytes: new Uint8Array(await readFile(new URL(`${name}.bin`, testdata))),
  want: JSON.parse(await readFile(new URL(`${name}.json`, testdata), 'utf8')),
});
// The engine's frame: M = 4, two tiles (7×5 input, 6×4 feature), three maps.
const {bytes: golden, want} = await load('golden-frame');
// A hand-built frame: M = 300, three tiles, a 3-D point set, coarse.
const wide = await load('golden-frame-wide');

// goldenBody is a frame's decompressed body.
async function bodyOf(bytes) {
  const h = decodeHeader(bytes);
  return {header: h, body: await inflateRaw(bytes.subarray(FRAME_HEADER_BYTES), h.bodyLength)};
}

// withHeader returns a copy of the golden frame with edit applied to its
// header's DataView.
function withHeader(edit) {
  const b = golden.slice();
  edit(new DataView(b.buffer), b);
  return b;
}

// frameOf builds a frame from a header and an uncompressed body, as the
// server does (raw deflate), with the header's body length set to body's.
function frameOf(header, body) {
  const z = deflateRawSync(body);
  const out = new Uint8Array(FRAME_HEADER_BYTES + z.length);
  out.set(header.subarray(0, FRAME_HEADER_BYTES));
  out.set(z, FRAME_HEADER_BYTES);
  new DataView(out.buffer).setUint32(60, body.length, true);
  return out;
}

// Offsets in the engine golden frame's body (docs/protocol.md, "Frames"):
// two 2-D point sets, then tile 0 (input, 7×5, three panels).
const cells0 = want.views[0].nx * want.views[0].ny;
const tile0 = 2 * (8 + 2 * 8 * want.m); // the first tile's header
const panelHeaders0 = tile0 + 8 + 40;
const grid0 = panelHeaders0 + 3 * 32; // the first panel's energy planes
const labels0 = grid0 + 2 * cells0; // its label low bytes
const labelsHigh0 = labels0 + cells0;
const support0 = labels0 + 2 * cells0;
const tile1 = grid0 + 3 * 6 * cells0;

// checkGolden compares a decoded frame with a golden JSON.
function checkGolden(f, want) {
  for (const k of ['seq', 'epoch', 't', 'iterations', 'm', 'nx', 'ny', 'coarse', 'loss', 'deltaMin', 'minAngleDeg']) {
    assert.equal(f[k], want[k], k);
  }
  assert.equal(want.version, 2);
  assert.equal(f.skippedTiles, 0);
  assert.equal(f.pointSets.length, want.pointSets.length);
  want.pointSets.forEach((ws, i) => {
    const s = f.pointSets[i];
    assert.equal(s.space, ws.space, `point set ${i} space`);
    assert.equal(s.dim, ws.dim, `point set ${i} dim`);
    assert.ok(s.points instanceof Float64Array);
    assert.deepEqual(Array.from(s.points), ws.points, `point set ${i}`);
  });
  for (const space of ['input', 'feature']) {
    const first = want.pointSets.find((s) => s.space === space && s.dim === 2);
    const got = f[`${space}Points`];
    if (first) assert.deepEqual(Array.from(got), first.points, `${space}Points`);
    else assert.equal(got, null, `${space}Points`);
  }
  assert.equal(f.views.length, want.views.length);
  let white = 0;
  let undefinedCells = 0;
  want.views.forEach((wv, vi) => {
    const v = f.views[vi];
    const cells = wv.nx * wv.ny;
    assert.equal(v.space, wv.space, `view ${vi} space`);
    assert.equal(v.nx, wv.nx, `view ${vi} nx`);
    assert.equal(v.ny, wv.ny, `view ${vi} ny`);
    assert.deepEqual(v.box, wv.box, `${wv.space} box`);
    assert.equal(v.panels.length, wv.panels.length);
    wv.panels.forEach((wp, pi) => {
      const p = v.panels[pi];
      const where = `view ${vi} ${wv.space} ${wp.separation}`;
      assert.equal(p.separationIndex, wp.separationIndex, `${where} separationIndex`);
      assert.equal(p.energyMin, wp.energyMin, `${where} energyMin`);
      assert.equal(p.energyMax, wp.energyMax, `${where} energyMax`);
      assert.equal(p.unlabeledFraction, wp.unlabeledFraction, `${where} unlabeledFraction`);
      assert.ok(p.labels instanceof Uint16Array && p.support instanceof Uint16Array, `${where}: u16 arrays`);
      assert.deepEqual(Array.from(p.labels), wp.labels, `${where} labels`);
      assert.deepEqual(Array.from(p.support), wp.support, `${where} support`);
      assert.equal(p.energy.length, cells);
      for (let c = 0; c < cells; c++) {
        const e = wp.energy[c];
        if (e === null) {
          // An undefined cell's q is 0: its energy reads as the minimum.
          assert.equal(p.labels[c], LABEL_UNDEFINED, `${where} cell ${c}`);
          assert.equal(p.energy[c], Math.fround(wp.energyMin), `${where} undefined cell ${c}`);
          undefinedCells++;
          continue;
        }
        // Within the 12-bit quantisation, plus the Float32Array's rounding.
        const err = Math.abs(p.energy[c] - e);
        const tol = wp.energyTolerance + Math.abs(e) * 2 ** -24;
        assert.ok(err <= tol, `${where} cell ${c}: energy ${p.energy[c]}, want ${e} within ${tol}`);
        if (p.labels[c] === LABEL_WHITE) white++;
      }
      const whiteHere = wp.labels.filter((l) => l === LABEL_WHITE).length;
      assert.equal(p.unlabeledFraction, whiteHere / cells, `${where}: unlabeled fraction counts the 65535s only`);
    });
  });
  return {white, undefinedCells};
}

test('the golden frame decodes to the values the Go encoder was given', async () => {
  const f = await decodeFrame(golden);
  assert.equal(decodeHeader(golden).energyBits, want.energyBits);
  const {white, undefinedCells} = checkGolden(f, want);
  assert.ok(white > 0, 'the golden frame has white cells');
  assert.equal(undefinedCells, 3, 'the golden frame has three undefined cells');
  // Tiles of one frame differ in size; frame.nx, ny are the first one's.
  assert.deepEqual([f.nx, f.ny, f.views[1].nx, f.views[1].ny], [7, 5, 6, 4]);
});

test('the wide golden frame: M = 300, labels and support beyond a byte, three tiles, a 3-D point set, coarse', async () => {
  const f = await decodeFrame(wide.bytes);
  checkGolden(f, wide.want);
  assert.equal(f.m, 300);
  assert.equal(f.coarse, true);
  assert.equal(f.views.length, 3);
  assert.deepEqual(
    f.pointSets.map((s) => [s.space, s.dim]),
    [
      ['input', 2],
      ['feature', 3],
    ],
  );
  assert.equal(f.featurePoints, null, 'no 2-D feature points');
  const labels = f.views.flatMap((v) => v.panels.flatMap((p) => Array.from(p.labels)));
  assert.ok(labels.some((l) => l > 255 && l < 300), 'labels above 255');
  assert.ok(labels.includes(LABEL_WHITE) && labels.includes(LABEL_UNDEFINED));
  assert.ok(f.views.some((v) => v.panels.some((p) => p.support.includes(300))), 'support 300');
});

test('decodeFrame takes an ArrayBuffer or a view at any offset', async () => {
  const buf = new ArrayBuffer(golden.length + 5);
  new Uint8Array(buf, 3, golden.length).set(golden);
  const fromView = await decodeFrame(new Uint8Array(buf, 3, golden.length));
  const fromBuffer = await decodeFrame(golden.slice().buffer);
  assert.deepEqual(fromView, fromBuffer);
  assert.equal(fromView.seq, want.seq);
});

test('a decoded frame owns its arrays: reused scratch does not change it', async () => {
  const scratch = new DecodeScratch();
  const first = await decodeFrame(golden, scratch);
  const labels = Array.from(first.views[0].panels[0].labels);
  const energy = Array.from(first.views[0].panels[0].energy);
  await decodeFrame(wide.bytes, scratch);
  await decodeFrame(golden, scratch);
  assert.deepEqual(Array.from(first.views[0].panels[0].labels), labels);
  assert.deepEqual(Array.from(first.views[0].panels[0].energy), energy);
  const buffers = [first.pointSets, first.views.flatMap((v) => v.panels.flatMap((p) => [p.energy, p.labels, p.support]))].flat();
  for (const a of buffers) {
    const arr = a.points || a;
    assert.notEqual(arr.buffer, scratch.bodyBuf.buffer);
    assert.notEqual(arr.buffer, scratch.qBuf.buffer);
  }
});

test('rebuildEnergy undoes the plane predictor', () => {
  // q = [[1, 2, 3], [4, 6, 9]] (row 0 first); residuals r = q − (left + below − below-left).
  const q = [1, 2, 3, 4, 6, 9];
  const r = [1, 1, 1, 3, 1, 2];
  const lo = Uint8Array.from(r, (v) => v & 0xff);
  const hi = Uint8Array.from(r, (v) => v >> 8);
  const out = new Float32Array(6);
  const top = rebuildEnergy(out, new Uint16Array(6), lo, hi, 3, 2, -1, 8, 9);
  assert.equal(top, 9);
  assert.deepEqual(Array.from(out), q.map((v) => -1 + v));
  // Residuals wrap modulo 2^16: q = 0 after q = 4095 needs r = −4095.
  const wrap = (-4095) & 0xffff;
  const out2 = new Float32Array(2);
  rebuildEnergy(out2, new Uint16Array(2), Uint8Array.of(0xff, wrap & 0xff), Uint8Array.of(0x0f, wrap >> 8), 2, 1, 0, 4095, 4095);
  assert.deepEqual(Array.from(out2), [4095, 0]);
});

test('a version-1 frame is refused, naming its version', async () => {
  const v1 = withHeader((dv) => dv.setUint16(4, 1, true));
  await assert.rejects(decodeFrame(v1), (err) => err instanceof FrameError && /format version 1; this page decodes version 2 only/.test(err.message));
});

test('malformed headers raise a FrameError naming the field', async (t) => {
  const cases = [
    ['bad magic', withHeader((dv) => dv.setUint8(0, 'X'.charCodeAt(0))), /magic "XOPF"/],
    ['version 3', withHeader((dv) => dv.setUint16(4, 3, true)), /format version 3/],
    ['header length', withHeader((dv) => dv.setUint16(6, 65, true)), /header length 65/],
    ['encoding', withHeader((dv) => dv.setUint8(56, 2)), /body encoding 2/],
    ['energy bits 17', withHeader((dv) => dv.setUint8(57, 17)), /17 bits/],
    ['energy bits 0', withHeader((dv) => dv.setUint8(57, 0)), /0 bits/],
    ['an unknown flag', withHeader((dv) => dv.setUint8(31, 2)), /flags 2/],
    ['reserved bytes', withHeader((dv) => dv.setUint16(58, 1, true)), /reserved 1/],
    ['M beyond the labels', withHeader((dv) => dv.setUint32(24, 65535, true)), /M = 65535/],
    ['a huge body', withHeader((dv) => dv.setUint32(60, 2 ** 31, true)), /2147483648-byte body/],
    ['body length', withHeader((dv) => dv.setUint32(60, 100, true)), /100 bytes/],
    ['shorter than a header', golden.subarray(0, 63), /63 bytes/],
  ];
  for (const [name, bytes, msg] of cases) {
    await t.test(name, async () => {
      await assert.rejects(decodeFrame(bytes), (err) => err instanceof FrameError && msg.test(err.message));
    });
  }
  await t.test('not a buffer', async () => {
    await assert.rejects(decodeFrame('HOPF'), FrameError);
  });
});

test('malformed bodies raise a FrameError', async (t) => {
  await t.test('truncated', async () => {
    await assert.rejects(decodeFrame(golden.subarray(0, golden.length - 40)), FrameError);
    await assert.rejects(decodeFrame(golden.subarray(0, FRAME_HEADER_BYTES)), FrameError);
  });
  await t.test('not deflate', async () => {
    const b = golden.slice();
    b.fill(0xff, FRAME_HEADER_BYTES);
    await assert.rejects(decodeFrame(b), (err) => err instanceof FrameError && /does not inflate/.test(err.message));
  });
  const {header, body} = await bodyOf(golden);
  await t.test('inflates to more than announced', async () => {
    const longer = new Uint8Array(body.length + 1);
    longer.set(body);
    const frame = frameOf(golden, longer);
    new DataView(frame.buffer).setUint32(60, body.length, true);
    await assert.rejects(decodeFrame(frame), (err) => err instanceof FrameError && /more than/.test(err.message));
  });
  const u16 = (at, v) => (b) => new DataView(b.buffer).setUint16(at, v, true);
  const u32 = (at, v) => (b) => new DataView(b.buffer).setUint32(at, v, true);
  const byte = (at, v) => (b) => (b[at] = v);
  // A label is split over two planes: set both bytes of cell k.
  const label = (k, v) => (b) => {
    b[labels0 + k] = v & 0xff;
    b[labelsHigh0 + k] = v >> 8;
  };
  for (const [name, edit, msg] of [
    ['label M', label(4, want.m), /cell 4 has label 4 .* M = 4/],
    ['label 300 of M = 4', label(0, 300), /cell 0 has label 300/],
    ['label 65533', label(0, 65533), /label 65533/],
    ['support M+1', byte(support0 + 2, want.m + 1), /cell 2 has label \d+ and support 5/],
    ['point set space 2', byte(0, 2), /point set 0: space code 2/],
    ['point set of dimension 0', byte(1, 0), /point set 0: dimension 0/],
    ['a reserved byte of a point set', byte(7, 1), /point set 0: reserved byte 5/],
    ['tile space 2', byte(tile0 + 1, 2), /tile 0: space code 2/],
    ['a tile length that does not fit its grid', u32(tile0 + 4, 40 + 3 * (32 + 6 * cells0) - 1), /tile 0 \(input\): \d+ bytes, but 3 panels of 7×5 need/],
    ['a tile longer than the body', u32(tile0 + 4, body.length), /tile 0 \(kind 1\) needs/],
    ['a grid of one column', u16(tile0 + 8, 1), /grid 1×5/],
    ['a reserved byte of the geometry', byte(tile0 + 8 + 5, 3), /reserved byte 1 is 3/],
    ['an empty box', (b) => new DataView(b.buffer).setFloat64(tile0 + 8 + 16, -1.5, true), /box x -1.5…-1.5/],
    ['a separation twice', byte(panelHeaders0 + 32, 0), /panel 1: separation 0 again/],
    ['a reserved byte of a panel header', byte(panelHeaders0 + 1, 9), /panel 0: reserved byte 0 is 9/],
    ['an unlabeled fraction above 1', (b) => new DataView(b.buffer).setFloat64(panelHeaders0 + 24, 1.5, true), /unlabeled fraction 1.5/],
    ['a quantised energy above 4095', (b) => (b[grid0 + cells0] = 0x10), /quantised energy \d+ exceeds 4095/],
    ['a second tile of a kind that does not fit', u32(tile1 + 4, 1), /tile 1 \(feature\): 1 bytes/],
  ]) {
    await t.test(name, async () => {
      const b = body.slice();
      edit(b);
      assert.throws(() => decodeBody(header, b), (err) => err instanceof FrameError && msg.test(err.message));
      await assert.rejects(decodeFrame(frameOf(golden, b)), FrameError);
    });
  }
  await t.test('an energy range upside down', () => {
    const b = body.slice();
    const dv = new DataView(b.buffer);
    const at = panelHeaders0 + 8; // the first panel header's energyMin
    dv.setFloat64(at, dv.getFloat64(at + 8, true) + 1, true);
    assert.throws(() => decodeBody(header, b), (err) => err instanceof FrameError && /energy range/.test(err.message));
  });
  await t.test('a body of the wrong length', () => {
    assert.throws(() => decodeBody(header, body.subarray(1)), FrameError);
  });
  await t.test('bytes after the last tile', async () => {
    const longer = new Uint8Array(body.length + 3);
    longer.set(body);
    const h = {...header, bodyLength: longer.length};
    assert.throws(() => decodeBody(h, longer), (err) => err instanceof FrameError && /tiles take/.test(err.message));
    await assert.rejects(decodeFrame(frameOf(golden, longer)), FrameError);
  });
  await t.test('labels 65534 and 65535 are allowed', () => {
    const b = body.slice();
    label(0, LABEL_UNDEFINED)(b);
    label(1, LABEL_WHITE)(b);
    const f = decodeBody(header, b);
    assert.equal(f.views[0].panels[0].labels[0], LABEL_UNDEFINED);
    assert.equal(f.views[0].panels[0].labels[1], LABEL_WHITE);
  });
});

test('a tile of an unknown kind is skipped by its length', async () => {
  const {header, body} = await bodyOf(golden);
  // Insert a tile of kind 7, 5 bytes long, between the two grid tiles.
  const unknown = Uint8Array.of(7, 1, 2, 0, 5, 0, 0, 0, 1, 2, 3, 4, 5);
  const spliced = new Uint8Array(body.length + unknown.length);
  spliced.set(body.subarray(0, tile1));
  spliced.set(unknown, tile1);
  spliced.set(body.subarray(tile1), tile1 + unknown.length);
  const h = golden.slice(0, FRAME_HEADER_BYTES);
  new DataView(h.buffer).setUint16(28, header.tileCount + 1, true);
  const f = await decodeFrame(frameOf(h, spliced));
  assert.equal(f.skippedTiles, 1);
  f.skippedTiles = 0;
  checkGolden(f, want);
});

test('no tiles and no point sets: an empty frame', async () => {
  const h = golden.slice(0, FRAME_HEADER_BYTES);
  const dv = new DataView(h.buffer);
  dv.setUint16(28, 0, true);
  dv.setUint8(30, 0);
  const f = await decodeFrame(frameOf(h, new Uint8Array(0)));
  assert.deepEqual([f.views, f.pointSets, f.nx, f.ny, f.inputPoints, f.featurePoints], [[], [], 0, 0, null, null]);
});

test('rebuildEnergy: a range wider than the largest float64 takes the convex form', () => {
  const levels = 4095;
  const q = new Uint16Array(3);
  // Residuals of q = [0, levels, 2048] along one row: r = q − q_left.
  const lo = Uint8Array.from([0, levels & 0xff, (2048 - levels) & 0xff]);
  const hi = Uint8Array.from([0, levels >> 8, ((2048 - levels) & 0xffff) >> 8]);
  const out = new Float64Array(3);
  rebuildEnergy(out, q, lo, hi, 3, 1, -4.1e307, 1.794e308, levels);
  assert.deepEqual([...q], [0, levels, 2048]);
  assert.equal(out[0], -4.1e307);
  assert.equal(out[1], 1.794e308);
  assert.ok(Number.isFinite(out[2]) && Math.abs(out[2] - (-4.1e307 * (1 - 2048 / levels) + 1.794e308 * (2048 / levels))) < 1e295);
});

test('flag bit 0 marks a coarse frame; the golden frame is full', async () => {
  assert.equal((await decodeFrame(golden)).coarse, false);
  const coarse = withHeader((dv) => dv.setUint8(31, dv.getUint8(31) | 1));
  assert.equal((await decodeFrame(coarse)).coarse, true);
});
