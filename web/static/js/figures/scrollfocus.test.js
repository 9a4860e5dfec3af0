import {test} from 'node:test';
import assert from 'node:assert/strict';
import {syncScrollFocus} from './scrollfocus.js';

function box(scrollWidth, clientWidth) {
  const attrs = new Map([['tabindex', '0']]);
  return {scrollWidth, clientWidth, attrs,
    setAttribute: (k, v) => attrs.set(k, String(v)), removeAttribute: (k) => attrs.delete(k)};
}

test('syncScrollFocus: a tab stop only while the content is wider than the box', () => {
  const fits = box(300, 300);
  assert.equal(syncScrollFocus(fits), false);
  assert.equal(fits.attrs.has('tabindex'), false);
  const wide = box(520, 300);
  assert.equal(syncScrollFocus(wide), true);
  assert.equal(wide.attrs.get('tabindex'), '0');
  // The window widens: the box fits again.
  wide.clientWidth = 600;
  assert.equal(syncScrollFocus(wide), false);
  assert.equal(wide.attrs.has('tabindex'), false);
  // A sub-pixel difference is no scroll.
  assert.equal(syncScrollFocus(box(301, 300)), false);
});
