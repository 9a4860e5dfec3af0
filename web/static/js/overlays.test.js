import assert from 'node:assert/strict';
import test from 'node:test';

import {labelFont, labelStride, panelLabelScale} from './overlays.js';

test('panelLabelScale: 1 unless presentation mode sets rems', () => {
  assert.equal(panelLabelScale('', 16), 1);
  assert.equal(panelLabelScale('  ', 28), 1);
  assert.equal(panelLabelScale('1', 28), 2.8);
  assert.equal(panelLabelScale(' 1', 20), 2);
  assert.equal(panelLabelScale('1', 8), 1); // never smaller than the normal mode
});

test('labelFont: base size times the scale, with the weight', () => {
  assert.match(labelFont(10), /^10px /);
  assert.match(labelFont(11, 1, '600'), /^600 11px /);
  assert.match(labelFont(10, 2.8), /^28px /);
  assert.match(labelFont(11, 2.8, '600'), /^600 30.8px /);
});

test('labelStride: every label while they fit, else every other or fewer', () => {
  assert.equal(labelStride([20, 20, 20], 60, 4), 1);
  assert.equal(labelStride([50, 56, 50], 46, 11), 2); // 28 px labels 46 px apart
  assert.equal(labelStride([50], 20, 4), 3);
  assert.equal(labelStride([30, 30], Infinity, 4), 1);
});
