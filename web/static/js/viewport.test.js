import assert from 'node:assert/strict';
import {test} from 'node:test';
import {GUTTER, Viewport} from './viewport.js';

const box = {xmin: -1, xmax: 1, ymin: -1, ymax: 1};

test('layout leaves the gutters for the tick labels, scaled for larger labels', () => {
  const a = new Viewport();
  a.layout(400, 400, 1, box, 65, 65);
  const b = new Viewport();
  b.layout(400, 400, 1, box, 65, 65, 2);
  // A square box in a square canvas: the plot is as large as the smaller
  // of the spaces the gutters leave, and sits in the middle of it.
  assert.equal(a.width, 400 - Math.max(GUTTER.left + GUTTER.right, GUTTER.top + GUTTER.bottom));
  assert.equal(b.width, 400 - 2 * Math.max(GUTTER.left + GUTTER.right, GUTTER.top + GUTTER.bottom));
  assert.ok(b.left >= 2 * GUTTER.left && b.top + b.height <= 400 - 2 * GUTTER.bottom + 1e-9, `plot at ${b.left}, ${b.top}, ${b.width} × ${b.height}`);
  assert.ok(a.left >= GUTTER.left && a.top + a.height <= 400 - GUTTER.bottom + 1e-9);
  // The world maps onto the plot both ways.
  assert.ok(Math.abs(b.wx(b.px(0.25)) - 0.25) < 1e-12);
  assert.ok(Math.abs(b.wy(b.py(-0.5)) + 0.5) < 1e-12);
});
