import assert from 'node:assert/strict';
import {test} from 'node:test';
import {LIVE_INTERVAL_MS, Speaker, summary} from './liveregion.js';

// fakeClock runs timers when the test moves the time.
function fakeClock() {
  let now = 0;
  let timers = [];
  return {
    now: () => now,
    setTimer(fn, ms) {
      const t = {fn, at: now + ms};
      timers.push(t);
      return t;
    },
    clearTimer(t) {
      timers = timers.filter((x) => x !== t);
    },
    advance(ms) {
      now += ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        due.fn();
      }
    },
  };
}

function speaker() {
  const clock = fakeClock();
  const said = [];
  const sp = new Speaker({write: (t) => said.push(t), now: clock.now, setTimer: clock.setTimer, clearTimer: clock.clearTimer});
  return {sp, clock, said};
}

test('the speaker speaks at once, then at most once per interval, the newest text', () => {
  assert.equal(LIVE_INTERVAL_MS, 2000);
  const {sp, clock, said} = speaker();
  sp.offer('t 0');
  assert.deepEqual(said, ['t 0']);
  clock.advance(100);
  sp.offer('t 1');
  clock.advance(100);
  sp.offer('t 2');
  assert.deepEqual(said, ['t 0'], 'nothing within the interval');
  clock.advance(1799);
  assert.deepEqual(said, ['t 0']);
  clock.advance(1);
  assert.deepEqual(said, ['t 0', 't 2'], 'the newest when the interval is over');
  clock.advance(5000);
  assert.deepEqual(said, ['t 0', 't 2']);
});

test('the speaker says nothing twice in a row', () => {
  const {sp, clock, said} = speaker();
  sp.offer('same');
  clock.advance(3000);
  sp.offer('same');
  clock.advance(3000);
  assert.deepEqual(said, ['same']);
  sp.offer('other');
  sp.offer('other');
  clock.advance(3000);
  assert.deepEqual(said, ['same', 'other']);
});

test('the speaker holds during a drag and speaks when it ends', () => {
  const {sp, clock, said} = speaker();
  sp.offer('before', false);
  clock.advance(3000);
  sp.offer(null, true);
  sp.offer(null, true);
  clock.advance(5000);
  assert.deepEqual(said, ['before']);
  sp.offer('after the drag', false);
  assert.deepEqual(said, ['before', 'after the drag']);
});

const frame = {
  t: 3,
  coarse: false,
  minAngleDeg: 61.234,
  separations: ['softmax', 'entmax15'],
  views: [
    {space: 'input', panels: [{unlabeledFraction: 0.041}, {unlabeledFraction: 0}]},
    {space: 'feature', panels: [{unlabeledFraction: 0.5}, {unlabeledFraction: 0.2549}]},
  ],
};

test('summary says the iteration, the minimum angle and the white shares in on-screen words', () => {
  const s = {drawn: {frame}, server: {iterations: 10}};
  assert.equal(summary(s), 'Iteration 3 of 10. Minimum angle 61.2°. White: input space softmax 4.1 %, 1.5-entmax 0 %; feature space softmax 50 %, 1.5-entmax 25 %.');
  assert.equal(summary({drawn: {frame: {...frame, coarse: true, minAngleDeg: NaN}}, server: {iterations: 10}}), 'Iteration 3 of 10.');
  assert.equal(summary({drawn: {frame: null}, server: null}), '');
});
