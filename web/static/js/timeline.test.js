// Unit tests of timeline.js (node --test): the bounded rings of moves sent
// and frames painted that window.__hoplab.timeline hands out.

import assert from 'node:assert/strict';
import {test} from 'node:test';

import {createTimeline, Ring, TIMELINE_CAPACITY} from './timeline.js';

test('a ring keeps the newest entries, oldest first', () => {
  const r = new Ring(3);
  assert.deepEqual(r.toArray(), []);
  r.push(1);
  r.push(2);
  assert.deepEqual(r.toArray(), [1, 2]);
  assert.equal(r.size, 2);
  for (let k = 3; k <= 7; k++) r.push(k);
  assert.deepEqual(r.toArray(), [5, 6, 7]);
  assert.equal(r.size, 3);
  assert.equal(r.pushed, 7);
  const copy = r.toArray();
  copy.push(8);
  assert.deepEqual(r.toArray(), [5, 6, 7], 'toArray hands out a copy');
});

test('a ring refuses a capacity that is not a positive integer', () => {
  assert.throws(() => new Ring(0), /capacity 0/);
  assert.throws(() => new Ring(2.5), /capacity 2.5/);
});

test('the timeline records moves and paints as frozen entries, bounded', () => {
  assert.ok(TIMELINE_CAPACITY >= 3600, 'a minute of dragging at 60 Hz');
  const tl = createTimeline(2);
  tl.moveSent(7, 100.5, 101);
  tl.painted({seq: 7, t: 3, nx: 64, ny: 48, coarse: true, epoch: 2, views: []}, 120, 130.25);
  tl.painted({seq: 8, t: 3, nx: 128, ny: 128}, 170, 180);
  tl.painted({seq: 9, t: 4, nx: 128, ny: 128, coarse: false, arrivedAt: 185.5}, 190, 200);
  assert.deepEqual(tl.moves.toArray(), [{seq: 7, ts: 100.5, sentAt: 101}]);
  assert.deepEqual(tl.paints.toArray(), [
    {seq: 8, t: 3, nx: 128, ny: 128, coarse: false, arrivedAt: null, paintStart: 170, paintEnd: 180},
    {seq: 9, t: 4, nx: 128, ny: 128, coarse: false, arrivedAt: 185.5, paintStart: 190, paintEnd: 200},
  ]);
  assert.ok(Object.isFrozen(tl.moves.toArray()[0]) && Object.isFrozen(tl.paints.toArray()[0]));
});
