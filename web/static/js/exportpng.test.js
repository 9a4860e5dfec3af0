// Unit tests of exportpng.js's pure parts (node --test): what can be
// exported, where the panels go, the file names. The drawing itself is
// checked in real Chromium (e2e/teaching_test.go).

import assert from 'node:assert/strict';
import {test} from 'node:test';

import {PANEL, exportLayout, exportName, exportTargets, targetRows} from './exportpng.js';

// A frame as frame.js decodes it, as far as the export reads it.
const frame = {
  t: 7,
  m: 5,
  separations: ['softmax', 'entmax15', 'entmax:1.25'],
  views: [
    {space: 'feature', panels: [{}, {}, {}]},
    {space: 'input', panels: [{}, {}, {}]},
  ],
};

test('targets: the whole view, then every panel, input first', () => {
  assert.deepEqual(exportTargets(frame), [
    {value: 'all', label: 'the whole view'},
    {value: 'input:0', label: 'input space, softmax'},
    {value: 'input:1', label: 'input space, 1.5-entmax'},
    {value: 'input:2', label: 'input space, 1.25-entmax'},
    {value: 'feature:0', label: 'feature space, softmax'},
    {value: 'feature:1', label: 'feature space, 1.5-entmax'},
    {value: 'feature:2', label: 'feature space, 1.25-entmax'},
  ]);
});

test('targetRows: all panels in rows, one panel, or none', () => {
  assert.deepEqual(targetRows(frame, 'all'), [{space: 'input', maps: [0, 1, 2]}, {space: 'feature', maps: [0, 1, 2]}]);
  assert.deepEqual(targetRows(frame, 'feature:2'), [{space: 'feature', maps: [2]}]);
  for (const bad of ['feature:3', 'sphere:0', 'input', '', undefined]) assert.equal(targetRows(frame, bad), null, String(bad));
  assert.equal(targetRows({...frame, views: [frame.views[1]]}, 'feature:0'), null);
});

test('the layout puts every panel in its row and column without overlap, the key below', () => {
  const L = exportLayout(targetRows(frame, 'all'), 5);
  assert.equal(L.cells.length, 6);
  assert.deepEqual(L.rows.map((r) => r.space), ['input', 'feature']);
  const [a, b, c, d] = L.cells;
  assert.equal(a.y, b.y);
  assert.ok(b.x >= a.x + PANEL && c.x >= b.x + PANEL, 'columns apart');
  assert.ok(d.y >= a.y + PANEL && d.x === a.x, 'rows apart');
  assert.ok(c.x + PANEL <= L.width && L.legendY >= d.y + PANEL && L.height > L.legendY, 'inside the picture');
  // One panel: a narrower picture, and many memories wrap the key.
  const one = exportLayout(targetRows(frame, 'input:1'), 64);
  assert.equal(one.cells.length, 1);
  assert.ok(one.width < L.width);
  assert.ok(one.height - one.legendY > L.height - L.legendY, 'more lines for 64 memories');
});

test('file names say the iteration and the panel', () => {
  assert.equal(exportName('all', frame), 'hoplab-t7-view.png');
  assert.equal(exportName('input:1', frame), 'hoplab-t7-input-entmax15.png');
  assert.equal(exportName('feature:2', frame), 'hoplab-t7-feature-entmax-1.25.png');
});
