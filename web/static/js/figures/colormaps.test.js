import {test} from 'node:test';
import assert from 'node:assert/strict';
import {bandColors, hotRGB} from './colormaps.js';

test('hotRGB: near-black to red, yellow and white, lighter with t', () => {
  assert.deepEqual(hotRGB(0), [11, 0, 0]);
  assert.deepEqual(hotRGB(0.365079), [255, 0, 0]);
  assert.deepEqual(hotRGB(0.746032), [255, 255, 0]);
  assert.deepEqual(hotRGB(1), [255, 255, 255]);
  assert.deepEqual(hotRGB(-1), hotRGB(0));
  let last = -1;
  for (let t = 0; t <= 1; t += 0.01) {
    const [r, g, b] = hotRGB(t);
    const light = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    assert.ok(light >= last, `not monotone at ${t}`);
    last = light;
  }
});

test('bandColors: the first band at the dark end, the last at the light end', () => {
  const hot = bandColors('published', 8);
  assert.equal(hot.length, 8);
  assert.deepEqual(hot[0], hotRGB(0));
  assert.deepEqual(hot[7], [255, 255, 255]);
  const vir = bandColors('corrected', 5);
  assert.deepEqual(vir[0], [0x44, 0x01, 0x54]);
  assert.deepEqual(vir[4], [0xfd, 0xe7, 0x25]);
});
