// Unit tests of importer.js's pure parts (node --test): files are read
// strictly, a bad one is refused saying what is wrong and where, and a
// good one becomes the scenario to load.

import assert from 'node:assert/strict';
import {test} from 'node:test';

import {ImportError, kindOf, lineCol, memoriesScenario, parseJSON, parseMemoriesCSV, planImport} from './importer.js';

// refused asserts that f throws an ImportError at (line, column) whose message matches.
function refused(f, line, column, re) {
  assert.throws(f, (err) => {
    assert.ok(err instanceof ImportError, `${err}`);
    assert.deepEqual([err.line, err.column], [line, column], err.message);
    assert.match(err.message, re);
    return true;
  });
}

test('parseJSON reads JSON as JSON.parse does', () => {
  const texts = ['{"a": [1, -2.5e-3, true, false, null], "b": {"c": "é\\n\\u00e9\\"\\\\/"}}', '[]', '0', '"x"', '\ufeff{"memories": [[1, 0]]}\n'];
  for (const t of texts) assert.deepEqual(parseJSON(t).value, JSON.parse(t.replace(/^\ufeff/, '')), t);
});

test('parseJSON knows where every member starts, as the server names fields', () => {
  const text = '{\n  "memories": [[1, 0],\n    [0, 1]],\n  "view": {"grid": {"nx": 64}}\n}';
  const {positions} = parseJSON(text);
  assert.deepEqual(lineCol(text, positions.get('memories[1][0]')), {line: 3, column: 6});
  assert.deepEqual(lineCol(text, positions.get('view.grid.nx')), {line: 4, column: 27});
  assert.equal(positions.get(''), 0);
});

test('parseJSON refuses bad JSON with the line and column', () => {
  refused(() => parseJSON('{\n  "beta": 20,\n  "memories": [[1, 0]],\n}'), 4, 1, /expected a key in quotes, found “}”/);
  refused(() => parseJSON('{"beta": 20 "lr": 1}'), 1, 13, /expected “,” or “}” after the value of “beta”/);
  refused(() => parseJSON('{"beta": 20, "beta": 21}'), 1, 14, /the key “beta” is given twice/);
  refused(() => parseJSON('{"memories": [[1, 0] [0, 1]]}'), 1, 22, /expected “,” or “\]” in a list/);
  refused(() => parseJSON('{"beta": .5}'), 1, 10, /expected a value, found “\.”/);
  refused(() => parseJSON('{"beta": 1e999}'), 1, 10, /beyond the range/);
  refused(() => parseJSON('{"a": "b\nc"}'), 1, 9, /line break/);
  refused(() => parseJSON('{"a": "b'), 1, 7, /not closed/);
  refused(() => parseJSON('{"a": 1} x'), 1, 10, /more text after the JSON value/);
  refused(() => parseJSON(''), 1, 1, /expected a value, found the end of the file/);
  refused(() => parseJSON('{"a": NaN}'), 1, 7, /expected a value/);
});

test('parseMemoriesCSV: one memory per line, an optional header, blank lines skipped', () => {
  assert.deepEqual(parseMemoriesCSV('x, y\n1, 0\n\n0,1\r\n-0.5 , 2e-1\n'), {memories: [[1, 0], [0, 1], [-0.5, 0.2]], header: ['x', 'y'], lines: [2, 4, 5]});
  assert.deepEqual(parseMemoriesCSV('1,2,3').memories, [[1, 2, 3]]);
});

test('parseMemoriesCSV refuses a bad line with its line and column', () => {
  refused(() => parseMemoriesCSV('x,y\n1,0\n0,abc\n'), 3, 3, /“abc” is not a number/);
  refused(() => parseMemoriesCSV('1,0\n0,1,2\n'), 2, 5, /this memory has 3 numbers, the one before 2/);
  refused(() => parseMemoriesCSV('1,0,0\n0,1,0\n1,1\n'), 3, 4, /this memory has 2 numbers, the ones before 3/);
  refused(() => parseMemoriesCSV('1,,0\n'), 1, 3, /an empty field/);
  refused(() => parseMemoriesCSV('1,0\nfoo,bar\n'), 2, 1, /“foo” is not a number/);
  refused(() => parseMemoriesCSV('a,b,c\n1,0\n'), 1, 1, /the header names 3 columns, the memories have 2/);
  refused(() => parseMemoriesCSV('x,y\n\n'), 2, 1, /only a header line/);
});

test('parseMemoriesCSV takes a first line as a header only when it is clearly one: names separated by commas', () => {
  assert.deepEqual(parseMemoriesCSV('x1, y_2\n1,0\n').header, ['x1', 'y_2']);
  assert.deepEqual(parseMemoriesCSV('"dim a","dim b"\r\n1,0\r\n').header, ['dim a', 'dim b']);
  // Not names: the line is a memory, and is refused as one, where it is wrong.
  refused(() => parseMemoriesCSV('NaN,Inf\n1,0\n'), 1, 1, /“NaN” is not a finite number/);
  refused(() => parseMemoriesCSV('x,1\n1,0\n'), 1, 1, /“x” is not a number/);
  refused(() => parseMemoriesCSV('-,-\n1,0\n'), 1, 1, /“-” is not a number/);
});

test('parseMemoriesCSV refuses semicolons and tabs as separators on line 1, naming the character', () => {
  refused(() => parseMemoriesCSV('x;y\n1;0\n0;1\n'), 1, 2, /found “;” — the numbers of a memory must be separated by commas/);
  refused(() => parseMemoriesCSV('1;0\n0;1\n'), 1, 2, /found “;”/);
  refused(() => parseMemoriesCSV('x\ty\n1\t0\n'), 1, 2, /found a tab — the numbers of a memory must be separated by commas/);
  refused(() => parseMemoriesCSV('1,0\n0\t1\n'), 2, 2, /found a tab/);
  // European decimal commas with semicolons between the numbers.
  refused(() => parseMemoriesCSV('0,5;0,3\n0,1;0,9\n'), 1, 4, /found “;” — the numbers of a memory must be separated by commas.*decimal point/);
  // Spaces between the numbers.
  refused(() => parseMemoriesCSV('1 0\n0 1\n'), 1, 2, /found a space between two numbers — the numbers of a memory must be separated by commas/);
});

test('parseMemoriesCSV: empty files, a header alone, and the odd line each say what and where', () => {
  refused(() => parseMemoriesCSV(''), 1, 1, /the file is empty: expected one memory per line/);
  refused(() => parseMemoriesCSV('\ufeff\r\n  \r\n'), 1, 1, /the file is empty/);
  refused(() => parseMemoriesCSV('x,y\n'), 2, 1, /only a header line \(x, y\) and no memories/);
  refused(() => parseMemoriesCSV('\n\nx,y\n\n'), 4, 1, /only a header line/);
  refused(() => parseMemoriesCSV('1,0\n0,1,\n'), 2, 4, /a comma at the end of the line/);
  refused(() => parseMemoriesCSV('1,0\n0,1\n1\n'), 3, 2, /this memory has 1 number, the ones before 2/);
  refused(() => parseMemoriesCSV('1,0\nNaN,1\n'), 2, 1, /“NaN” is not a finite number/);
  refused(() => parseMemoriesCSV('1,0\n0,-Infinity\n'), 2, 3, /“-Infinity” is not a finite number/);
  refused(() => parseMemoriesCSV('1,0\n0, inf\n'), 2, 4, /“inf” is not a finite number/);
  refused(() => parseMemoriesCSV('1,0\n1e400,1\n'), 2, 1, /1e400 is beyond the range of numbers/);
  // BOM, CRLF and blank lines are fine; the lines are counted as they are in the file.
  assert.deepEqual(parseMemoriesCSV('\ufeffx,y\r\n\r\n1,0\r\n\r\n0,1\r\n'), {memories: [[1, 0], [0, 1]], header: ['x', 'y'], lines: [3, 5]});
  refused(() => parseMemoriesCSV('\ufeffx,y\r\n1,0\r\n0,z\r\n'), 3, 3, /“z” is not a number/);
});

test('a CSV beyond the server\'s limits is refused where it goes beyond them', () => {
  const current = {memories: [[1, 0]], normalizeMemories: true};
  const wide = `${Array.from({length: 513}, (_, j) => (j === 0 ? 1 : 0)).join(',')}\n`;
  const col = wide.split(',').slice(0, 512).join(',').length + 2;
  refused(() => planImport('w.csv', wide, {limits, current}), 1, col, /a memory of 513 numbers; a live session takes memories of at most 512/);
  const many = `x,y\n${Array.from({length: 65}, (_, i) => `${Math.cos(i)},${Math.sin(i)}`).join('\n')}\n`;
  refused(() => planImport('m.csv', many, {limits, current}), 66, 1, /65 memories; a live session takes at most 64/);
  refused(() => planImport('m.csv', '1,0\n0,1e7\n', {limits, current}), 2, 3, /\|10000000\| is beyond the limit of 1000000/);
});

test('kindOf: by the name, else by the first character', () => {
  assert.equal(kindOf('a.JSON', '1,2'), 'json');
  assert.equal(kindOf('m.csv', '{'), 'csv');
  assert.equal(kindOf('m.txt', '1,2'), 'csv');
  assert.equal(kindOf('file', ' \n{"memories": []}'), 'json');
  assert.equal(kindOf('file', '1,2'), 'csv');
});

const limits = {maxMemories: 64, maxAbsValue: 1e6, maxBeta: 1e6, maxGridSide: 256, maxIterations: 10000, maxSeparations: 8, maxRetrievalSteps: 1000, maxMessageBytes: 1 << 20, minSpeed: 0.1, maxSpeed: 1000};

test('a scenario file round-trips: the exported file is loaded as it was, its ui applied', () => {
  const scenario = {memories: [[1, 0], [0, 1], [-1, 0]], beta: 7, separations: ['softmax', 'sparsemax'], uhop: {iterations: 3}, view: {grid: {nx: 64, ny: 64}}};
  const file = JSON.stringify({...scenario, ui: {views: ['feature', 'input'], speed: 25, show: 'energy', lesson: {hide: ['training']}}}, null, 2);
  const plan = planImport('hoplab-scenario-t3.json', file, {limits});
  assert.deepEqual(plan.scenario, scenario);
  assert.deepEqual(plan.ui, {views: ['input', 'feature'], speed: 25, show: 'energy'}, 'no lesson from a file');
  assert.deepEqual([plan.kind, plan.m, plan.d, plan.note], ['json', 3, 2, '']);
  // A link's payload works too.
  const link = planImport('link.json', JSON.stringify({v: 2, scenario, ui: {show: 'basins'}}), {limits});
  assert.deepEqual(link.scenario, scenario);
  assert.deepEqual(link.ui, {show: 'basins'});
  assert.ok(link.positions.has('memories[2][0]') && link.positions.has('beta'), 'positions of the scenario inside the payload');
});

test('a scenario file beyond the limits, or that no view can draw, is refused with the place', () => {
  const at = (text, line, column, re) => refused(() => planImport('s.json', text, {limits}), line, column, re);
  at('{"memories": [[1, 0], [0, 2e6]]}', 1, 27, /memories\[1\]\[1\]: \|2000000\| is beyond the limit of 1000000/);
  at('{"memories": [[1, 0], [0, 1, 2]]}', 1, 23, /memories\[1\]: this memory has 3 numbers/);
  at('{"memories": [[0, 0]]}', 1, 16, /memories\[0\]\[0\]: a memory of zeros/);
  at('{"memories": [[1, 0]],\n "beta": -1}', 2, 10, /beta: β must be a number above 0/);
  at('{"memories": [[1, 0]], "view": {"grid": {"nx": 1024}}}', 1, 48, /view\.grid\.nx: a live session's grid has 2 to 256 cells/);
  at('{"memories": [[1, 0, 0], [0, 1, 0]]}', 1, 14, /d = 3 and the feature map D_Φ = 3: .*"dim": 2/);
  at('{"memories": [[1, 0]], "ui": {"views": ["sphere"]}}', 1, 40, /ui\.views: expected a list of views/);
  at('{"memories": [[1, 0]], "ui": {"speed": 0}}', 1, 40, /ui\.speed/);
  at('{"beta": 2}', 1, 1, /expected “memories”/);
  at('[[1, 0]]', 1, 1, /not a scenario/);
  const many = JSON.stringify({memories: Array.from({length: 65}, (_, i) => [Math.cos(i), Math.sin(i)])});
  refused(() => planImport('s.json', many, {limits}), 1, lineCol(many, parseJSON(many).positions.get('memories[64]')).column, /65 memories; a live session takes at most 64/);
  assert.throws(() => planImport('big.json', ' '.repeat(1 << 20), {limits}), /at most 1048576 bytes/);
  // d ≠ 2 with a 2-D feature map is fine, and says there is no input view.
  const ok = planImport('s.json', '{"memories": [[1, 0, 0], [0, 1, 0]], "featureMap": {"dim": 2, "init": "random"}}', {limits});
  assert.match(ok.note, /d = 3: there is no input view/);
});

test('a CSV of memories replaces the memories of the scenario on show, from t = 0', () => {
  const current = {
    memories: [[1, 0]], beta: 9, normalizeMemories: true, separations: ['softmax'],
    featureMap: {dim: 2, affine: true, init: 'identity', W: [[1, 0], [0, 1]], b: [0, 0]},
    uhop: {iterations: 40, lr: 0.02, batchOrder: [[0]]},
    view: {space: 'input', grid: {nx: 96, ny: 96, xmin: -2, xmax: 2, ymin: -2, ymax: 2, margin: 0.1}},
    ui: {note: 'x'},
  };
  const plan = planImport('m.csv', 'x,y\n1,0\n0,1\n-1,0\n', {limits, current});
  assert.deepEqual(plan.scenario, {
    memories: [[1, 0], [0, 1], [-1, 0]], beta: 9, normalizeMemories: true, separations: ['softmax'],
    featureMap: {dim: 2, affine: true, init: 'identity'},
    uhop: {iterations: 0, lr: 0.02},
    view: {grid: {nx: 96, ny: 96, margin: 0.1}},
  });
  assert.equal(current.featureMap.W.length, 2, 'the state is not changed');
  assert.deepEqual([plan.kind, plan.m, plan.d, plan.note], ['csv', 3, 2, '']);
  // d = 4: a random 2-D feature map, and a note that says so.
  const four = planImport('m.csv', '1,0,0,0\n0,1,0,0\n0,0,1,0\n', {limits, current});
  assert.deepEqual(four.scenario.featureMap, {dim: 2, affine: true, init: 'random', seed: 1});
  assert.match(four.note, /d = 4: there is no input view .* random 2-D feature map \(D_Φ = 2, seed 1\)/);
  // Checked against the limits, with the place.
  refused(() => planImport('m.csv', '1,0\n0,0\n', {limits, current}), 2, 1, /a memory of zeros/);
  refused(() => planImport('m.csv', 'a,b\n1,0\n0,2000000\n', {limits, current}), 3, 3, /beyond the limit of 1000000/);
  const lines = Array.from({length: 65}, (_, i) => `${Math.cos(i)},${Math.sin(i)}`).join('\n');
  refused(() => planImport('m.csv', lines, {limits, current}), 65, 1, /65 memories; a live session takes at most 64/);
});

test('memoriesScenario keeps a torchLinear map affine', () => {
  const {scenario} = memoriesScenario([[1, 2, 3]], {featureMap: {dim: 3, init: 'torchLinear', seed: 4}});
  assert.deepEqual(scenario.featureMap, {dim: 2, init: 'torchLinear', seed: 4, affine: true});
});
