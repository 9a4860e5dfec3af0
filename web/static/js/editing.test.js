// Unit tests of editing.js (node --test): the move pipeline that keeps a
// few moves in flight while a memory is dragged, and its wiring to the
// store's answers.

import assert from 'node:assert/strict';
import {test} from 'node:test';

import {createEditing, MOVE_TIMEOUT_MS, MovePipe, MOVES_IN_FLIGHT} from './editing.js';
import {createStore, initialState, reduce} from './store.js';

// fakeClock is a clock and timers that move only when told to.
function fakeClock() {
  let now = 0;
  let timers = [];
  let nextId = 1;
  return {
    now: () => now,
    setTimer(fn, ms) {
      const id = nextId++;
      timers.push({id, at: now + ms, fn});
      return id;
    },
    clearTimer(id) {
      timers = timers.filter((t) => t.id !== id);
    },
    /** advance moves the clock by ms, running the timers due on the way. */
    advance(ms) {
      const end = now + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const t = timers[0];
        if (!t || t.at > end) break;
        timers.shift();
        now = t.at;
        t.fn();
      }
      now = end;
    },
    get pending() {
      return timers.length;
    },
  };
}

// pipe makes a MovePipe whose sends are recorded with seqs 1, 2, 3, ….
function pipe(opts = {}) {
  const clock = fakeClock();
  const sent = [];
  let seq = 0;
  const p = new MovePipe({
    send: (m) => {
      if (opts.offline) return 0;
      sent.push({...m, seq: ++seq});
      return seq;
    },
    now: clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    ...opts,
  });
  return {p, sent, clock};
}

const mv = (x) => ({i: 0, x, y: 0});

test('up to MOVES_IN_FLIGHT moves go out at once; beyond that only the newest waits', () => {
  assert.ok(MOVES_IN_FLIGHT >= 2 && MOVES_IN_FLIGHT <= 3, 'a few moves, never an unbounded queue');
  const {p, sent} = pipe();
  for (let k = 1; k <= MOVES_IN_FLIGHT; k++) p.offer(mv(k));
  assert.deepEqual(sent.map((m) => m.x), [1, 2, 3].slice(0, MOVES_IN_FLIGHT));
  assert.equal(p.waiting, 1);
  p.offer(mv(10));
  p.offer(mv(11));
  p.offer(mv(12));
  assert.equal(sent.length, MOVES_IN_FLIGHT, 'nothing more while the pipe is full');
  // An answer to the first move frees one place: the newest position goes.
  p.answered(1);
  assert.deepEqual(sent.map((m) => m.x).slice(MOVES_IN_FLIGHT), [12]);
  assert.equal(p.waiting, 2);
  p.answered(sent.at(-1).seq);
  assert.equal(p.waiting, 0, 'an answer reflecting seq q answers every move up to q');
  p.offer(mv(13));
  assert.equal(sent.at(-1).x, 13, 'an empty pipe sends at once');
});

test('a pipe of one is the old behaviour: one move in flight, the newest waits', () => {
  const {p, sent} = pipe({max: 1});
  p.offer(mv(1));
  p.offer(mv(2));
  p.offer(mv(3));
  assert.deepEqual(sent.map((m) => m.x), [1]);
  p.answered(1);
  assert.deepEqual(sent.map((m) => m.x), [1, 3]);
});

test('stale and empty answers change nothing', () => {
  const {p, sent} = pipe({max: 2});
  p.offer(mv(1));
  p.offer(mv(2));
  p.answered(1);
  p.offer(mv(3));
  assert.equal(sent.length, 3);
  p.offer(mv(4));
  p.answered(1); // older than the oldest in flight (2)
  p.answered(0);
  p.answered(undefined);
  assert.equal(sent.length, 3, 'the pipe is still full');
  assert.equal(p.waiting, 2);
});

test('a move unanswered for MOVE_TIMEOUT_MS counts as answered, so dragging never freezes', () => {
  const {p, sent, clock} = pipe({max: 2});
  p.offer(mv(1));
  clock.advance(300);
  p.offer(mv(2));
  p.offer(mv(3)); // waits
  clock.advance(MOVE_TIMEOUT_MS - 301);
  assert.equal(sent.length, 2, 'not yet');
  clock.advance(1);
  assert.deepEqual(sent.map((m) => m.x), [1, 2, 3], 'the first timed out: the waiting move went');
  assert.equal(p.waiting, 2);
  clock.advance(MOVE_TIMEOUT_MS);
  assert.equal(p.waiting, 0);
  assert.equal(clock.pending, 0, 'no timer is left once nothing is in flight');
});

test('a move that could not be sent is dropped, and reset forgets everything', () => {
  const off = pipe({offline: true});
  off.p.offer(mv(1));
  assert.equal(off.p.waiting, 0);
  assert.equal(off.clock.pending, 0);

  const {p, sent, clock} = pipe({max: 1});
  p.offer(mv(1));
  p.offer(mv(2));
  p.reset();
  assert.equal(p.waiting, 0);
  assert.equal(clock.pending, 0);
  p.offer(mv(3));
  assert.deepEqual(sent.map((m) => m.x), [1, 3], 'the waiting move was forgotten');
});

test('the pipe refuses a size that is not a positive integer', () => {
  assert.throws(() => new MovePipe({send: () => 1, max: 0}), /max 0/);
  assert.throws(() => new MovePipe({send: () => 1, max: 1.5}), /max 1.5/);
});

test('createEditing: moves are answered by painted frames and errors, not states, and recorded in the timeline', () => {
  const store = createStore(initialState(), reduce);
  const out = [];
  let seq = 0;
  const send = (msg) => {
    out.push({...msg, seq: ++seq});
    return seq;
  };
  const recorded = [];
  const timeline = {moveSent: (s, ts, sentAt) => recorded.push({s, ts, sentAt})};
  const editing = createEditing({store, send, timeline});
  const move = (x, ts) => editing.onPanelEvent({type: 'move', i: 1, x, y: 0.5, ts});
  const moves = () => out.filter((m) => m.type === 'move').map((m) => m.x);

  for (let k = 1; k <= MOVES_IN_FLIGHT + 2; k++) move(k / 10, 100 + k);
  assert.deepEqual(moves(), [0.1, 0.2, 0.3].slice(0, MOVES_IN_FLIGHT));
  assert.deepEqual(out[0], {type: 'move', i: 1, x: 0.1, y: 0.5, seq: 1}, 'the message carries no more than the protocol asks');
  assert.deepEqual(recorded.map((r) => [r.s, r.ts]), [[1, 101], [2, 102], [3, 103]].slice(0, MOVES_IN_FLIGHT));
  assert.ok(recorded.every((r) => typeof r.sentAt === 'number'));

  // Neither the state that acknowledges the first move nor its frame,
  // decoded, answers it: its paint does, and lets the newest position go.
  const sentBefore = moves().length;
  const frame1 = {seq: 1, epoch: 1, t: 0, coarse: true, views: [], separations: []};
  store.dispatch({type: 'state', msg: {type: 'state', seq: 1, epoch: 1, t: 0, dims: {m: 4, d: 2, k: 2}, scenario: {}}});
  store.dispatch({type: 'frame', frame: frame1});
  assert.equal(moves().length, sentBefore, 'a state or a frame not painted yet answers no move');
  store.dispatch({type: 'drawn', frame: frame1});
  assert.equal(moves().at(-1), (MOVES_IN_FLIGHT + 2) / 10);
  assert.equal(recorded.at(-1).ts, 100 + MOVES_IN_FLIGHT + 2, 'the newest pointer event it carries');

  // A painted frame reflecting every move empties the pipe; the next goes at once.
  store.dispatch({type: 'drawn', frame: {seq, epoch: 1, t: 0, coarse: true, views: [], separations: []}});
  move(0.9, 200);
  assert.equal(moves().at(-1), 0.9);
  // So does an error about it.
  for (let k = 0; k < MOVES_IN_FLIGHT; k++) move(1 + k, 300 + k);
  const before = moves().length;
  move(5, 400);
  assert.equal(moves().length, before, 'full again');
  store.dispatch({type: 'server-error', msg: {type: 'error', seq, code: 'invalid_field', message: 'no'}});
  assert.equal(moves().at(-1), 5);
});

test('createEditing: a new connection answers nothing sent on the old one', () => {
  const store = createStore(initialState(), reduce);
  const out = [];
  let seq = 0;
  const editing = createEditing({
    store,
    send: (msg) => {
      out.push({...msg, seq: ++seq});
      return seq;
    },
  });
  for (let k = 0; k < MOVES_IN_FLIGHT + 1; k++) editing.onPanelEvent({type: 'move', i: 0, x: k, y: 0});
  assert.equal(out.length, MOVES_IN_FLIGHT);
  store.dispatch({type: 'status', status: 'reconnecting'});
  editing.onPanelEvent({type: 'move', i: 0, x: 42, y: 0});
  assert.equal(out.at(-1).x, 42, 'the pipe starts empty on a new connection');
});

test('createEditing: the hover of a drag says so, for the panels to skip it', () => {
  const store = createStore(initialState(), reduce);
  const editing = createEditing({store, send: () => 1});
  editing.onPanelEvent({type: 'hover', space: 'input', x: 0.5, y: 0.25, panelIndex: 1, dragging: true});
  assert.deepEqual(store.getState().ui.hover, {space: 'input', x: 0.5, y: 0.25, panelIndex: 1, dragging: true});
  editing.onPanelEvent({type: 'hover', space: 'input', x: 0.5, y: 0.25, panelIndex: 1});
  assert.equal(store.getState().ui.hover.dragging, false);
  editing.onPanelEvent({type: 'hover', space: null});
  assert.equal(store.getState().ui.hover, null);
});

test('the last position of a drag goes out at once, even with the pipe full', () => {
  const {p, sent} = pipe({max: 2});
  p.offer(mv(1));
  p.offer(mv(2));
  p.offer(mv(3)); // waits
  p.last(mv(4));
  assert.deepEqual(sent.map((m) => m.x), [1, 2, 4], 'the waiting position is dropped, the last one sent');
  assert.equal(p.inflight.length, 3, 'one more in flight, once');
  p.answered(sent.at(-1).seq);
  assert.equal(p.waiting, 0);

  const store = createStore(initialState(), reduce);
  const out = [];
  const editing = createEditing({store, send: (msg) => out.push(msg)});
  for (let k = 0; k < MOVES_IN_FLIGHT + 2; k++) editing.onPanelEvent({type: 'move', i: 0, x: k, y: 0});
  editing.onPanelEvent({type: 'move', i: 0, x: 9, y: 0, last: true});
  assert.deepEqual(out.map((m) => m.x), [...Array.from({length: MOVES_IN_FLIGHT}, (_, k) => k), 9]);
});
