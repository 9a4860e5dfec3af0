import assert from 'node:assert/strict';
import {test} from 'node:test';
import {BIG_STEP, cycleMemory, nudge, panelOf, STEP} from './kbdmemory.js';

const box = {xmin: -2, xmax: 2, ymin: -1, ymax: 1};

test('nudge moves by 1 % of the box, 10 % with Shift, up is +y, and stays in the box', () => {
  assert.equal(STEP, 0.01);
  assert.equal(BIG_STEP, 0.1);
  const close = (a, b) => assert.ok(Math.abs(a.x - b.x) < 1e-12 && Math.abs(a.y - b.y) < 1e-12, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  close(nudge({x: 0, y: 0}, 'ArrowRight', false, box), {x: 0.04, y: 0});
  close(nudge({x: 0, y: 0}, 'ArrowLeft', true, box), {x: -0.4, y: 0});
  close(nudge({x: 0, y: 0}, 'ArrowUp', false, box), {x: 0, y: 0.02});
  close(nudge({x: 0, y: 0}, 'ArrowDown', true, box), {x: 0, y: -0.2});
  close(nudge({x: 1.99, y: 0.95}, 'ArrowRight', true, box), {x: 2, y: 0.95});
  close(nudge({x: 0, y: -0.95}, 'ArrowDown', true, box), {x: 0, y: -1});
  assert.equal(nudge({x: 0, y: 0}, 'a', false, box), null);
});

test('cycleMemory goes through every memory and none, both ways', () => {
  const fwd = [];
  let s = null;
  for (let k = 0; k < 4; k++) fwd.push((s = cycleMemory(s, 3, 1)));
  assert.deepEqual(fwd, [0, 1, 2, null]);
  const back = [];
  s = null;
  for (let k = 0; k < 4; k++) back.push((s = cycleMemory(s, 3, -1)));
  assert.deepEqual(back, [2, 1, 0, null]);
  assert.equal(cycleMemory(7, 3, 1), 0, 'a selection beyond the memories starts again');
  assert.equal(cycleMemory(null, 0, 1), null);
});

test('panelOf reads a canvas testid, nothing else', () => {
  assert.deepEqual(panelOf({dataset: {testid: 'canvas-input-2'}}), {space: 'input', panelIndex: 2});
  assert.deepEqual(panelOf({dataset: {testid: 'canvas-feature-0'}}), {space: 'feature', panelIndex: 0});
  assert.equal(panelOf({dataset: {testid: 'chart-loss'}}), null);
  assert.equal(panelOf(null), null);
});
