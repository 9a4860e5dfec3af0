// Unit tests of framedecoder.js (node --test): the page's and the worker's
// sides over the two ports of a real MessageChannel, which transfers
// buffers as a Worker does.

import assert from 'node:assert/strict';
import {readFile} from 'node:fs/promises';
import {test} from 'node:test';

import {decodeFrame, FRAME_HEADER_BYTES} from './frame.js';
import {createFrameDecoder, frameTransferList, serveFrames} from './framedecoder.js';

const testdata = new URL('../../../internal/live/testdata/', import.meta.url);
const golden = new Uint8Array(await readFile(new URL('golden-frame.bin', testdata)));
const wide = new Uint8Array(await readFile(new URL('golden-frame-wide.bin', testdata)));

// channel returns a decoder whose frames are decoded by serveFrames on the
// other port of a MessageChannel.
function channel() {
  const {port1, port2} = new MessageChannel();
  serveFrames(port1);
  const decoder = createFrameDecoder(() => port2);
  return {decoder, close: () => (decoder.close(), port1.close())};
}

test('frames decoded across the channel equal those decoded here, and the buffer is transferred', async () => {
  const {decoder, close} = channel();
  try {
    assert.equal(decoder.onWorker, true);
    for (const bytes of [golden, wide, golden]) {
      const buf = bytes.slice().buffer;
      const pending = decoder.decode(buf);
      assert.equal(buf.byteLength, 0, 'the message buffer is transferred, not copied');
      assert.deepEqual(await pending, await decodeFrame(bytes));
    }
  } finally {
    close();
  }
});

test('frames come back in their order, each to its own promise', async () => {
  const {decoder, close} = channel();
  try {
    const frames = await Promise.all([wide, golden, wide].map((b) => decoder.decode(b.slice().buffer)));
    assert.deepEqual(
      frames.map((f) => f.m),
      [300, 4, 300],
    );
  } finally {
    close();
  }
});

test('a malformed frame rejects with the worker-side FrameError, and the next frame decodes', async () => {
  const {decoder, close} = channel();
  try {
    const v1 = golden.slice();
    new DataView(v1.buffer).setUint16(4, 1, true);
    await assert.rejects(decoder.decode(v1.buffer), (err) => err.name === 'FrameError' && /^frame: format version 1;/.test(err.message));
    const bad = golden.slice();
    bad.fill(0xff, FRAME_HEADER_BYTES);
    await assert.rejects(decoder.decode(bad.buffer), (err) => err.name === 'FrameError' && /does not inflate/.test(err.message));
    assert.equal((await decoder.decode(golden.slice().buffer)).m, 4);
  } finally {
    close();
  }
});

test('frameTransferList names every buffer of a frame once, and transferring them moves the frame', async () => {
  const f = await decodeFrame(wide);
  const list = frameTransferList(f);
  assert.equal(new Set(list).size, list.length);
  const arrays = [...f.pointSets.map((s) => s.points), ...f.views.flatMap((v) => v.panels.flatMap((p) => [p.energy, p.labels, p.support]))];
  for (const a of arrays) assert.ok(list.includes(a.buffer));
  const {port1, port2} = new MessageChannel();
  try {
    const got = new Promise((resolve) => (port2.onmessage = (ev) => resolve(ev.data)));
    port1.postMessage(f, list);
    for (const a of arrays) assert.equal(a.length, 0, 'detached after the transfer');
    const back = await got;
    assert.deepEqual(back, await decodeFrame(wide));
  } finally {
    port1.close();
    port2.close();
  }
});

test('without a worker, frames are decoded on this thread', async (t) => {
  for (const [name, open] of [
    ['none', () => null],
    [
      'the constructor throws',
      () => {
        throw new Error('no workers here');
      },
    ],
  ]) {
    await t.test(name, async () => {
      const decoder = createFrameDecoder(open);
      assert.equal(decoder.onWorker, false);
      const buf = golden.slice().buffer;
      const [a, b] = await Promise.all([decoder.decode(buf), decoder.decode(wide.slice().buffer)]);
      assert.deepEqual(a, await decodeFrame(golden));
      assert.deepEqual(b, await decodeFrame(wide));
      await assert.rejects(decoder.decode('HOPF'), (err) => err.name === 'FrameError');
    });
  }
});

test('a worker that fails rejects what waits on it, and later frames are decoded on this thread', async () => {
  // A port whose other end never answers, then fails as a worker that
  // did not load does: an error event.
  const {port1, port2} = new MessageChannel();
  const decoder = createFrameDecoder(() => port2);
  try {
    const waiting = decoder.decode(golden.slice().buffer);
    const event = new Event('error');
    event.message = 'it did not load';
    port2.onerror(event);
    await assert.rejects(waiting, /the frame decoder worker failed \(it did not load\)/);
    assert.equal(decoder.onWorker, false);
    assert.equal((await decoder.decode(golden.slice().buffer)).m, 4);
  } finally {
    decoder.close();
    port1.close();
  }
});
