import {test} from 'node:test';
import assert from 'node:assert/strict';
import {answer} from './testdata/answers.js';
import {decodeLink} from '../permalink.js';
import {basinsModel, energyModel} from './model.js';
import {codeScenario, explorerScenario, rowLinks} from './explorer.js';

test('rowLinks: one link per row, the run\'s scenario at the row\'s iteration, in the explorer\'s permalink format', () => {
  const m = energyModel(answer('energy'));
  const links = rowLinks(m, {explorerPath: '/', show: 'energy', paperSoftmaxEnergy: true});
  assert.deepEqual(links.map((l) => `${l.m}:${l.n}`), ['2:0', '2:1', '2:2', '2:5', '4:0', '4:1', '4:2', '4:5']);
  for (const l of links) {
    assert.ok(l.href.startsWith('/#s='));
    const {scenario, ui} = decodeLink(l.href.slice(4));
    assert.deepEqual(ui, {views: ['input', 'feature'], show: 'energy'});
    assert.equal(scenario.uhop.iterations, l.n);
    assert.equal(scenario.view.paperSoftmaxEnergy, true);
    assert.equal(scenario.snapshots, undefined);
    const g = m.subfigures.find((x) => x.m === l.m);
    const run = l.n === 0 ? g.identity : g.authors;
    for (const k of ['memories', 'beta', 'normalizeMemories', 'featureMap', 'retrieval']) assert.deepEqual(scenario[k], run.scenario[k], k);
    assert.deepEqual({...scenario.uhop, iterations: 0}, {...run.scenario.uhop, iterations: 0});
    // The figure's grid: its cells and its margin, the box fitted by the explorer.
    const fg = run.scenario.view.grid;
    assert.deepEqual(scenario.view.grid, {nx: fg.nx, ny: fg.ny, margin: fg.margin});
  }
  assert.equal(links[0].scenario.featureMap.init, 'identity');
  assert.equal(links[0].scenario.featureMap.W, undefined);
  assert.deepEqual(links[1].scenario.featureMap.W, m.subfigures[0].authors.scenario.featureMap.W);
  const b = rowLinks(basinsModel(answer('basins')), {explorerPath: '/', show: 'basins'});
  assert.equal(b.length, 4);
  assert.equal(decodeLink(b[3].href.slice(4)).scenario.view.paperSoftmaxEnergy, false);
});

test('explorerScenario leaves the run\'s scenario as it was', () => {
  const run = energyModel(answer('energy')).subfigures[0].authors;
  const before = JSON.stringify(run.scenario);
  explorerScenario(run.scenario, 2);
  assert.equal(JSON.stringify(run.scenario), before);
});

test('codeScenario: M unit memories on a 90° arc, a 2-D map at the identity, t = 0', () => {
  const s = codeScenario(8);
  assert.equal(s.memories.length, 8);
  for (const [x, y] of s.memories) assert.ok(Math.abs(Math.hypot(x, y) - 1) < 1e-11);
  assert.deepEqual(s.memories[0], [1, 0]);
  assert.equal(s.memories[7][1], 1);
  assert.ok(Math.abs(s.memories[7][0]) < 1e-11);
  assert.equal(s.featureMap.dim, 2);
  assert.equal(s.uhop.iterations, 0);
});
