/**
 * Frame decoding off the page's main thread.
 *
 * The websocket stays on the main thread (connection.js); each binary
 * message's ArrayBuffer is transferred, not copied, to a dedicated module
 * worker (framedecoder.worker.js), which inflates and decodes it with
 * frame.js and transfers the frame's typed arrays back. The main thread
 * only posts and receives: inflating and rebuilding the cells, a few
 * milliseconds per 128 × 128 frame, happen while it paints.
 *
 * serveFrames is the worker's side and createFrameDecoder the page's; they
 * speak over anything with postMessage and onmessage (a Worker and its
 * global scope, or the two ports of a MessageChannel in tests):
 *
 *     page → worker   {id, buf}               buf: the frame's ArrayBuffer, transferred
 *     worker → page   {id, frame}             the frame's buffers transferred
 *                     {id, error: {name, message}}
 */

import {DecodeScratch, decodeFrame} from './frame.js';

/**
 * serveFrames answers every {id, buf} that arrives on port with the frame
 * decoded from buf, or with the error that decoding raised (a FrameError
 * for a malformed frame). Decodes run one at a time, in arrival order, and
 * reuse one scratch body between frames.
 * @param {{postMessage: Function, onmessage: any}} port
 */
export function serveFrames(port) {
  const scratch = new DecodeScratch();
  let queue = Promise.resolve();
  port.onmessage = (ev) => {
    const {id, buf} = ev.data;
    queue = queue.then(async () => {
      let frame;
      try {
        frame = await decodeFrame(buf, scratch);
      } catch (err) {
        port.postMessage({id, error: {name: err && err.name ? err.name : 'Error', message: err && err.message ? err.message : String(err)}});
        return;
      }
      port.postMessage({id, frame}, frameTransferList(frame));
    });
  };
}

/**
 * frameTransferList lists the distinct ArrayBuffers under the typed arrays
 * of frame (points, energies, labels, support), to transfer it whole.
 * @param {import('./frame.js').Frame} frame
 * @returns {ArrayBuffer[]}
 */
export function frameTransferList(frame) {
  const set = new Set();
  for (const s of frame.pointSets) set.add(s.points.buffer);
  for (const v of frame.views) {
    for (const p of v.panels) {
      set.add(p.energy.buffer);
      set.add(p.labels.buffer);
      set.add(p.support.buffer);
    }
  }
  return [...set];
}

/**
 * createFrameDecoder starts a decoder. openWorker returns the worker (or a
 * port) to decode on; when it is missing or throws, or when the worker
 * fails (it did not load, or raised an uncaught error), frames are decoded
 * on this thread instead, and the decodes that were waiting on the worker
 * reject with an Error saying so.
 * @param {() => ({postMessage: Function, onmessage: any, onerror?: any,
 *   onmessageerror?: any, terminate?: Function, close?: Function}|null)} openWorker
 * @returns {{decode: (buf: ArrayBuffer) => Promise<import('./frame.js').Frame>,
 *   close: () => void, readonly onWorker: boolean}}
 *   decode transfers buf (it is detached afterwards, when a worker decodes);
 *   its promise rejects with the decoder's error (name and message kept).
 */
export function createFrameDecoder(openWorker) {
  const pending = new Map(); // id → {resolve, reject}
  let nextId = 0;
  let worker = null;
  const scratch = new DecodeScratch(); // for decoding on this thread, one frame at a time
  let inline = Promise.resolve();
  try {
    worker = openWorker();
  } catch {
    worker = null;
  }

  function fail(message) {
    stop();
    for (const {reject} of pending.values()) reject(new Error(message));
    pending.clear();
  }

  function stop() {
    if (!worker) return;
    const w = worker;
    worker = null;
    w.onmessage = null;
    w.onerror = null;
    w.onmessageerror = null;
    if (typeof w.terminate === 'function') w.terminate();
    else if (typeof w.close === 'function') w.close();
  }

  if (worker) {
    worker.onmessage = (ev) => {
      const {id, frame, error} = ev.data;
      const p = pending.get(id);
      if (!p) return;
      pending.delete(id);
      if (error) {
        const err = new Error(error.message);
        err.name = error.name;
        p.reject(err);
      } else {
        p.resolve(frame);
      }
    };
    worker.onerror = (ev) => {
      if (ev && typeof ev.preventDefault === 'function') ev.preventDefault();
      fail(`the frame decoder worker failed (${(ev && ev.message) || 'it did not load'}); decoding frames on the page from now on`);
    };
    worker.onmessageerror = () => fail('a decoded frame could not be received from the worker; decoding frames on the page from now on');
  }

  return {
    decode(buf) {
      const transferable = buf instanceof ArrayBuffer ? buf : ArrayBuffer.isView(buf) ? buf.buffer : null;
      if (!worker || !transferable) {
        // Not a buffer: decodeFrame rejects it with its FrameError.
        const done = inline.then(() => decodeFrame(buf, scratch));
        inline = done.catch(() => {});
        return done;
      }
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        pending.set(id, {resolve, reject});
        worker.postMessage({id, buf}, [transferable]);
      });
    },
    close() {
      stop();
      for (const {reject} of pending.values()) reject(new Error('the frame decoder was closed'));
      pending.clear();
    },
    get onWorker() {
      return worker !== null;
    },
  };
}
