import assert from 'node:assert/strict';
import test from 'node:test';

import {clippedLength, overlap, pairAngleSpot} from './feature.js';

test('overlap: the area two rectangles share', () => {
  assert.equal(overlap({x: 0, y: 0, w: 10, h: 10}, {x: 5, y: 5, w: 10, h: 10}), 25);
  assert.equal(overlap({x: 0, y: 0, w: 10, h: 10}, {x: 10, y: 0, w: 10, h: 10}), 0);
  assert.equal(overlap({x: 0, y: 0, w: 10, h: 10}, {x: 2, y: 3, w: 1, h: 1}), 1);
});

test('clippedLength: the part of a segment inside a rectangle', () => {
  const box = {x: 0, y: 0, w: 10, h: 10};
  assert.equal(clippedLength(box, -5, 5, 15, 5), 10);
  assert.equal(clippedLength(box, 5, 5, 5, 8), 3);
  assert.equal(clippedLength(box, -5, -5, -1, 20), 0);
  assert.ok(Math.abs(clippedLength(box, -10, -10, 20, 20) - 10 * Math.SQRT2) < 1e-9);
});

// A feature panel as presentation mode draws it at 1920 × 1080: a 300 px
// plot of the box ±1.25, the unit circle 120 px, markers of 13 px, and the
// angle written at 30.8 px ("54.4°", 80 × 31 px); five memories, the
// closest pair 0° and 54.4° apart.
const plot = {x: 100, y: 20, w: 300, h: 300};
const origin = {x: 250, y: 170};
const r = 120;
const deg = [0, 54.4, 150, 200, 280];
const pts = deg.flatMap((d) => [origin.x + r * Math.cos((d * Math.PI) / 180), origin.y - r * Math.sin((d * Math.PI) / 180)]);
const pair = {a: 0, b: 1};
const [w, h, markerR, pad] = [80, 31, 13, 8];

// covers is what a label centred at (x, y) covers of the markers, the
// boxes and the pair's lines, in the units of pairAngleSpot's cost.
function covers(x, y, avoid = []) {
  const box = {x: x - w / 2 - pad, y: y - h / 2 - pad, w: w + 2 * pad, h: h + 2 * pad};
  let c = 0;
  for (let i = 0; i < deg.length; i++) c += overlap(box, {x: pts[2 * i] - markerR, y: pts[2 * i + 1] - markerR, w: 2 * markerR, h: 2 * markerR});
  for (const o of avoid) c += overlap(box, o);
  const [ax, ay, bx, by] = [pts[0], pts[1], pts[2], pts[3]];
  c += clippedLength(box, origin.x, origin.y, ax, ay) + clippedLength(box, origin.x, origin.y, bx, by) + clippedLength(box, ax, ay, bx, by);
  return c;
}

function inside(s) {
  return s.x - w / 2 >= plot.x && s.x + w / 2 <= plot.x + plot.w && s.y - h / 2 >= plot.y && s.y + h / 2 <= plot.y + plot.h;
}

test('pairAngleSpot: clear of the rays where the old place on the bisector covered them', () => {
  // The old place: on the bisector, max(0.45 r, r − 30 px × 2.8) from the centre.
  const bis = (27.2 * Math.PI) / 180;
  const d = Math.max(0.45 * r, r - 30 * 2.8);
  assert.ok(covers(origin.x + d * Math.cos(bis), origin.y - d * Math.sin(bis)) > 0, 'the old place covered the pair');
  const s = pairAngleSpot(plot, origin, r, pts, markerR, pair, w, h, {pad});
  assert.equal(s.cost, 0);
  assert.equal(covers(s.x, s.y), 0);
  assert.ok(inside(s), `inside the plot: ${JSON.stringify(s)}`);
  // Of the clear places, one near the pair (up right): in the upper half,
  // not across the plot.
  assert.ok(s.x >= origin.x && s.y < origin.y, `near the pair: ${JSON.stringify(s)}`);
});

test('pairAngleSpot: clear of the selected memory\'s name', () => {
  const first = pairAngleSpot(plot, origin, r, pts, markerR, pair, w, h, {pad});
  // The name written just where the angle went.
  const name = {x: first.x - 20, y: first.y - 12, w: 40, h: 31};
  const s = pairAngleSpot(plot, origin, r, pts, markerR, pair, w, h, {pad, avoid: [name]});
  assert.equal(covers(s.x, s.y, [name]), 0);
  assert.ok(inside(s));
});

test('pairAngleSpot: an antipodal pair and a crowded circle still get a place in the plot', () => {
  const anti = [origin.x + r, origin.y, origin.x - r, origin.y];
  const s = pairAngleSpot(plot, origin, r, anti, markerR, pair, w, h, {pad});
  assert.ok(Number.isFinite(s.x) && Number.isFinite(s.y) && inside(s));
  assert.equal(s.cost, 0);
  const many = Array.from({length: 40}, (_, i) => [origin.x + r * Math.cos(i / 6), origin.y - r * Math.sin(i / 6)]).flat();
  const t = pairAngleSpot(plot, origin, r, many, markerR, {a: 0, b: 1}, w, h, {pad});
  assert.ok(inside(t));
});
