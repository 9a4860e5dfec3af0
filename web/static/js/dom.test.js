import assert from 'node:assert/strict';
import {test} from 'node:test';
import {setProp} from './dom.js';

test('setProp writes a property only when its value changes', () => {
  let writes = 0;
  const el = {
    get value() {
      return this._v;
    },
    set value(v) {
      writes++;
      this._v = v;
    },
  };
  setProp(el, 'value', '1');
  setProp(el, 'value', '1');
  setProp(el, 'value', '2');
  assert.equal(el.value, '2');
  assert.equal(writes, 2);
});
