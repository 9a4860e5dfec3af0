// Unit tests of frame.js (node --test): the decoder against a frame the Go
// encoder wrote (internal/live/testdata, written by TestWriteGoldenFrame),
// and malformed frames.

import assert from 'node:assert/strict';
import {readFile} from 'node:fs/promises';
import {test} from 'node:test';
import {deflateRawSync} from 'node:zlib';

import {
  decodeBody,
  decodeFrame,
  decodeHeader,
  FRAME_HEADER_BYTES,
  FrameError,
  frameBodyLength,
  inflateRaw,
  LABEL_UNDEFINED,
  LABEL_WHITE,
  rebuildEnergy,
} from './frame.js';

const testdata = new URL('../../../internal/live/testdata/', import.meta.url);
const golden = new Uint8Array(await readFile(new URL('golden-frame.bin', testdata)));
const want = JSON.parse(await readFile(new URL('golden-frame.json', testdata), 'utf8'));

// goldenBody is the golden frame's decompressed body.
async function goldenBody() {
  const h = decodeHeader(golden);
  return {header: h, body: await inflateRaw(golden.subarray(FRAME_HEADER_BYTES), h.bodyLength)};
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

test('the golden frame decodes to the values the Go encoder was given', async () => {
  const f = await decodeFrame(golden);
  for (const k of ['seq', 'epoch', 't', 'iterations', 'm', 'nx', 'ny', 'loss', 'deltaMin', 'minAngleDeg']) {
    assert.equal(f[k], want[k], k);
  }
  assert.equal(decodeHeader(golden).energyBits, want.energyBits);
  assert.deepEqual(Array.from(f.inputPoints), want.inputPoints);
  assert.deepEqual(Array.from(f.featurePoints), want.featurePoints);
  assert.deepEqual(
    f.views.map((v) => v.space),
    want.views.map((v) => v.space),
  );
  const cells = want.nx * want.ny;
  let white = 0;
  let undefinedCells = 0;
  want.views.forEach((wv, vi) => {
    const v = f.views[vi];
    assert.deepEqual(v.box, wv.box, `${wv.space} box`);
    assert.equal(v.panels.length, wv.panels.length);
    wv.panels.forEach((wp, pi) => {
      const p = v.panels[pi];
      const where = `${wv.space} ${wp.separation}`;
      assert.equal(p.energyMin, wp.energyMin, `${where} energyMin`);
      assert.equal(p.energyMax, wp.energyMax, `${where} energyMax`);
      assert.equal(p.unlabeledFraction, wp.unlabeledFraction, `${where} unlabeledFraction`);
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
      assert.equal(p.unlabeledFraction, whiteHere / cells, `${where}: unlabeled fraction counts the 255s only`);
    });
  });
  assert.ok(white > 0, 'the golden frame has white cells');
  assert.equal(undefinedCells, 3, 'the golden frame has three undefined cells');
});

test('decodeFrame takes an ArrayBuffer or a view at any offset', async () => {
  const buf = new ArrayBuffer(golden.length + 5);
  new Uint8Array(buf, 3, golden.length).set(golden);
  const fromView = await decodeFrame(new Uint8Array(buf, 3, golden.length));
  const fromBuffer = await decodeFrame(golden.slice().buffer);
  assert.deepEqual(fromView, fromBuffer);
  assert.equal(fromView.seq, want.seq);
});

test('the body length is what the header implies', () => {
  const h = decodeHeader(golden);
  assert.equal(frameBodyLength(h), h.bodyLength);
  // Two point sets of 16M bytes, and per view 40 + P·(24 + 4·nx·ny).
  assert.equal(h.bodyLength, 2 * 16 * want.m + 2 * (40 + 3 * (24 + 4 * want.nx * want.ny)));
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

test('malformed headers raise a FrameError naming the field', async (t) => {
  const cases = [
    ['bad magic', withHeader((dv) => dv.setUint8(0, 'X'.charCodeAt(0))), /magic "XOPF"/],
    ['version 2', withHeader((dv) => dv.setUint16(4, 2, true)), /protocol version 2/],
    ['header length', withHeader((dv) => dv.setUint16(6, 65, true)), /header length 65/],
    ['encoding', withHeader((dv) => dv.setUint8(57, 2)), /body encoding 2/],
    ['energy bits', withHeader((dv) => dv.setUint8(58, 17)), /17 bits/],
    ['three views', withHeader((dv) => dv.setUint8(26, 3)), /3 views/],
    ['a one-column grid', withHeader((dv) => dv.setUint16(28, 1, true)), /grid 1×5/],
    ['body length', withHeader((dv) => dv.setUint32(60, 100, true)), /100-byte body/],
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
  const {header, body} = await goldenBody();
  const cells = want.nx * want.ny;
  // The first panel grid of the first view: after the points, the view's
  // 40 bytes and its three panel headers; labels follow the 2·cells energy bytes.
  const grid0 = 2 * 16 * want.m + 40 + 3 * 24;
  const labels0 = grid0 + 2 * cells;
  const support0 = labels0 + cells;
  await t.test('inflates to more than announced', async () => {
    const longer = new Uint8Array(body.length + 1);
    longer.set(body);
    const frame = frameOf(golden, longer);
    new DataView(frame.buffer).setUint32(60, body.length, true);
    await assert.rejects(decodeFrame(frame), (err) => err instanceof FrameError && /more than/.test(err.message));
  });
  for (const [name, offset, value, msg] of [
    ['label M', labels0 + 4, want.m, /label 4, but M = 4/],
    ['label 253', labels0, 253, /label 253/],
    ['support M+1', support0 + 2, want.m + 1, /support 5/],
    ['space code 2', 2 * 16 * want.m, 2, /space code 2/],
  ]) {
    await t.test(name, async () => {
      const b = body.slice();
      b[offset] = value;
      assert.throws(() => decodeBody(header, b), (err) => err instanceof FrameError && msg.test(err.message));
      await assert.rejects(decodeFrame(frameOf(golden, b)), FrameError);
    });
  }
  await t.test('an energy range upside down', () => {
    const b = body.slice();
    const dv = new DataView(b.buffer);
    const at = 2 * 16 * want.m + 40; // the first panel header's energyMin
    dv.setFloat64(at, dv.getFloat64(at + 8, true) + 1, true);
    assert.throws(() => decodeBody(header, b), (err) => err instanceof FrameError && /energy range/.test(err.message));
  });
  await t.test('a body of the wrong length', () => {
    assert.throws(() => decodeBody(header, body.subarray(1)), FrameError);
  });
  await t.test('labels 254 and 255 are allowed', () => {
    const b = body.slice();
    b[labels0] = LABEL_UNDEFINED;
    b[labels0 + 1] = LABEL_WHITE;
    const f = decodeBody(header, b);
    assert.equal(f.views[0].panels[0].labels[0], LABEL_UNDEFINED);
    assert.equal(f.views[0].panels[0].labels[1], LABEL_WHITE);
  });
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

test('flag bit 2 marks a coarse frame; the golden frame is full', async () => {
  assert.equal((await decodeFrame(golden)).coarse, false);
  const coarse = withHeader((dv) => dv.setUint8(56, dv.getUint8(56) | 4));
  assert.equal((await decodeFrame(coarse)).coarse, true);
});
