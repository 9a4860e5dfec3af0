// Unit tests of heatmap.js (node --test): the basin colour table that the
// per-pixel loop indexes with u16 labels.

import assert from 'node:assert/strict';
import {test} from 'node:test';

import {LABEL_UNDEFINED, LABEL_WHITE} from './frame.js';
import {BASIN} from './heatmap.js';
import {memoryRGB} from './palette.js';

const rgb = (l) => Array.from(BASIN.subarray(3 * l, 3 * l + 3));

test('every memory label has its memory colour, up to the largest a frame carries', () => {
  assert.equal(BASIN.length, 65536 * 3);
  for (const l of [0, 1, 7, 8, 9, 63, 64, 253, 254, 255, 256, 299, 1000, 65000, LABEL_UNDEFINED - 1]) {
    assert.deepEqual(rgb(l), memoryRGB(l), `label ${l}`);
  }
  for (let l = 0; l < LABEL_UNDEFINED; l += 97) assert.deepEqual(rgb(l), memoryRGB(l), `label ${l}`);
});

test('white (65535) is white; labels 254 and 255 are memories now', () => {
  assert.deepEqual(rgb(LABEL_WHITE), [255, 255, 255]);
  assert.deepEqual(rgb(LABEL_WHITE), memoryRGB(-1));
  assert.notDeepEqual(rgb(255), [255, 255, 255]);
});
