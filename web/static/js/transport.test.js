import assert from 'node:assert/strict';
import {test} from 'node:test';
import {mapSeedText} from './transport.js';

test('the transport bar names the initial feature map', () => {
  assert.equal(mapSeedText(undefined), '');
  assert.equal(mapSeedText({init: 'identity'}), 'W₀ = I');
  assert.equal(mapSeedText({init: 'random', seed: 4}), 'map seed 4');
  assert.equal(mapSeedText({init: 'torchLinear', seed: 3}), 'nn.Linear map, seed 3');
  assert.equal(mapSeedText({init: 'torchLinear', seed: 3, W: [[1]]}), 'W₀ given');
});
