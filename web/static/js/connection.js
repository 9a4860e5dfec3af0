// connection.js: the websocket to the live session (docs/protocol.md).
//
// It connects, waits for `hello`, starts the session (a permalink's
// scenario, or the server's default preset), reconnects with exponential
// backoff and jitter, and on reconnect restores what the user had: the
// last scenario (at its iteration), the views, the speed and playing.
// Every message, text or binary, is handled strictly in arrival order
// through one promise chain, so a frame is never overtaken by the `state`
// that came after it. A frame with a newer frame already waiting behind it
// is skipped, not decoded: when frames come faster than the page decodes
// them (fast play on a slow machine), the page keeps up with the newest
// instead of working through a growing backlog, and a pause shows at once.
// Frames are decoded by frame.js in a module worker (framedecoder.js: the
// message's buffer is transferred there and the frame's arrays back, so the
// main thread neither inflates nor copies), and handed to the store;
// drawing happens elsewhere, at most once per animation frame. The page
// acknowledges each frame it painted (painted(): an `ack` with the count of
// frames received up to it, skipped ones included), so the server keeps at
// most two frames ahead of the painting. A decode error (a FrameError)
// reaches the page's error area as any unreadable message does, and its
// frame is acknowledged.

import {createFrameDecoder} from './framedecoder.js';

export const PROTOCOL = 1;

const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 10000;
// After this many failed attempts in a row the page says "offline" (it
// keeps trying every ≤ 10 s).
const OFFLINE_AFTER = 6;

/**
 * createConnection opens the live session.
 * @param {object} opts
 * @param {string} opts.path the websocket path, e.g. "/api/v1/live"
 * @param {{dispatch: Function, getState: Function}} opts.store
 * @param {() => ({scenario: object, ui: object}|null)} opts.initial the permalink's content, if any
 * @param {(msg: object) => string|null} opts.fieldOf names the control an error is about
 * @returns {{send: (msg: object) => number, close: () => void}}
 */
export function createConnection({path, store, initial, fieldOf}) {
  const url = new URL(path, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';

  let ws = null;
  let generation = 0; // bumps with every socket, so old callbacks are ignored
  let failures = 0; // connection attempts in a row that never got a hello
  let everLive = false;
  let seq = 0;
  let chain = Promise.resolve();
  let arrivals = 0; // binary messages received on the current socket
  let acked = 0; // the newest of them acknowledged (ack)
  let timer = 0;
  let closed = false; // close() was called, or the protocol does not match
  let linkSeq = 0; // seq of the permalink's load, until a state answers it
  let refusedLink = {from: 0, to: 0}; // a refused link's load and the fallback preset's seq
  const decoder = createFrameDecoder(() =>
    typeof Worker === 'function' ? new Worker(new URL('./framedecoder.worker.js', import.meta.url), {type: 'module'}) : null,
  );

  function setStatus(status) {
    store.dispatch({type: 'status', status});
  }

  function connect() {
    const gen = ++generation;
    if (!everLive && failures === 0) setStatus('connecting');
    let sock;
    try {
      sock = new WebSocket(url.href);
    } catch (err) {
      store.dispatch({type: 'general-error', message: `Cannot open the websocket: ${err.message}`});
      scheduleReconnect(gen);
      return;
    }
    sock.binaryType = 'arraybuffer';
    ws = sock;
    let gotHello = false;
    let framesWaiting = 0; // binary messages received, not yet handled
    arrivals = 0;
    acked = 0;
    sock.addEventListener('message', (ev) => {
      if (gen !== generation) return;
      const data = ev.data;
      const arrival = typeof data === 'string' ? 0 : ++arrivals;
      if (arrival) framesWaiting++;
      chain = chain.then(() => {
        if (arrival && --framesWaiting > 0) return; // a newer frame waits (acknowledged with it)
        return handle(data, gen, () => (gotHello = true), {arrival, arrivedAt: ev.timeStamp});
      }).catch((err) => {
        store.dispatch({type: 'general-error', message: `Cannot read a message from the server: ${err.message}`});
      });
    });
    sock.addEventListener('close', () => {
      if (gen !== generation) return;
      ws = null;
      if (!gotHello) failures++;
      else failures = 1;
      scheduleReconnect(gen);
    });
    // An error is always followed by close; nothing to do here. The
    // browser reports failed connections on its own.
  }

  function scheduleReconnect(gen) {
    if (closed || gen !== generation) return;
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, failures - 1));
    const delay = base * (0.5 + Math.random() * 0.5); // jitter: half to full
    setStatus(failures >= OFFLINE_AFTER || !navigator.onLine ? 'offline' : 'reconnecting');
    clearTimeout(timer);
    timer = setTimeout(connect, delay);
  }

  // handle processes one message of socket generation gen.
  async function handle(data, gen, helloSeen, {arrival, arrivedAt}) {
    if (gen !== generation) return;
    if (typeof data !== 'string') {
      let frame;
      try {
        frame = await decoder.decode(data);
      } catch (err) {
        ack(gen, arrival); // it will never be painted
        throw err;
      }
      if (gen !== generation) return;
      frame.gen = gen;
      frame.arrival = arrival;
      frame.arrivedAt = arrivedAt;
      const server = store.getState().server;
      frame.separations = server ? server.separations : [];
      store.dispatch({type: 'frame', frame});
      return;
    }
    const msg = JSON.parse(data);
    switch (msg.type) {
      case 'hello':
        helloSeen();
        onHello(msg);
        break;
      case 'state':
        store.dispatch({type: 'state', msg});
        break;
      case 'metrics':
        store.dispatch({type: 'metrics', msg});
        break;
      case 'probe':
        store.dispatch({type: 'probe-reply', msg});
        break;
      case 'error':
        // The link's views and speed, sent right after its refused load,
        // are refused as not_loaded: they add nothing to the link's own
        // error, which must stay on show.
        if (msg.code === 'not_loaded' && msg.seq > refusedLink.from && msg.seq < refusedLink.to) break;
        store.dispatch({type: 'server-error', msg, name: fieldOf(msg)});
        // A divergence is not a refusal: the scenario was taken at its last
        // finite iteration, and its state follows.
        if (linkSeq && msg.seq === linkSeq && !store.getState().server && msg.code !== 'diverged') {
          // The permalink's scenario was refused: start with the default.
          const name = store.getState().hello.defaultPreset;
          refusedLink = {from: linkSeq, to: send({type: 'preset', name})};
          linkSeq = 0;
          store.dispatch({type: 'preset', name});
          store.dispatch({type: 'general-error', message: `The link's scenario was refused (${msg.field ? `${msg.field}: ` : ''}${msg.message}); showing the default preset instead.`});
        }
        break;
      default:
        // A newer server may add messages; this page ignores them.
        break;
    }
  }

  function onHello(hello) {
    if (hello.protocol !== PROTOCOL) {
      closed = true;
      store.dispatch({type: 'general-error', message: `The server speaks protocol ${hello.protocol}, this page ${PROTOCOL}: reload the page.`});
      setStatus('offline');
      ws?.close(1000, 'protocol mismatch');
      return;
    }
    store.dispatch({type: 'hello', hello});
    const prev = store.getState().server;
    if (everLive && prev) {
      // Reconnected: the new session starts empty; give it what we had.
      send({type: 'load', protocol: PROTOCOL, scenario: prev.scenario});
      send({type: 'views', views: prev.views});
      send({type: 'speed', itersPerSecond: prev.speed});
      if (prev.playing) send({type: 'play'});
    } else {
      const link = initial();
      if (link && link.scenario) {
        linkSeq = send({type: 'load', protocol: PROTOCOL, scenario: link.scenario});
        store.dispatch({type: 'origin', origin: {kind: 'link'}, seq: linkSeq});
        const ui = link.ui || {};
        if (Array.isArray(ui.views) && ui.views.length) send({type: 'views', views: ui.views});
        if (typeof ui.speed === 'number') send({type: 'speed', itersPerSecond: ui.speed});
      } else {
        send({type: 'preset', name: hello.defaultPreset});
        store.dispatch({type: 'preset', name: hello.defaultPreset});
      }
    }
    everLive = true;
    failures = 0;
    setStatus('live');
  }

  // ack tells the session that the frames up to the arrival-th of socket
  // generation gen are done with (painted, or dropped for a newer one), so
  // it renders no frame only to be dropped (docs/protocol.md, "Flow
  // control"). Acknowledgements only count up.
  function ack(gen, arrival) {
    if (gen !== generation || !(arrival > acked)) return;
    acked = arrival;
    send({type: 'ack', frames: arrival});
  }

  /** send writes msg with the next seq; returns the seq, or 0 when not connected. */
  function send(msg) {
    if (!ws || ws.readyState !== WebSocket.OPEN) return 0;
    const s = nextSeq();
    ws.send(JSON.stringify({...msg, seq: s}));
    return s;
  }

  function nextSeq() {
    seq = (seq + 1) % 0x100000000 || 1;
    return seq;
  }

  addEventListener('online', () => {
    if (!ws && !closed) {
      clearTimeout(timer);
      connect();
    }
  });

  connect();
  return {
    send,
    /** painted acknowledges a painted frame and every frame before it. */
    painted(frame) {
      if (frame && frame.arrival) ack(frame.gen, frame.arrival);
    },
    close() {
      closed = true;
      clearTimeout(timer);
      ws?.close(1000, 'bye');
      decoder.close();
    },
  };
}
