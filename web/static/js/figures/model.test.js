import {test} from 'node:test';
import assert from 'node:assert/strict';
import {answer} from './testdata/answers.js';
import {basinsModel, energyModel, flatGrid, localMinima, prop31Model, sepLabel} from './model.js';

test('energyModel: two subfigures (2 and 4 memories), rows N = 0, 1, 2, 5, the three maps in the words on screen', () => {
  const m = energyModel(answer('energy'));
  assert.deepEqual(m.subfigures.map((g) => g.m), [2, 4]);
  assert.deepEqual(m.subfigures.map((g) => g.beta), [1 / 0.9, 20]);
  for (const g of m.subfigures) {
    assert.deepEqual(g.rows.map((r) => r.n), [0, 1, 2, 5]);
    assert.deepEqual(g.rows.map((r) => r.map), ['identity', 'authors', 'authors', 'authors']);
    for (const r of g.rows) {
      assert.deepEqual(r.panels.map((p) => p.label), ['softmax', '1.5-entmax', 'sparsemax']);
      assert.equal(r.points.length, g.m);
      for (const p of r.panels) assert.equal(p.corrected.length, r.nx * r.ny);
    }
  }
});

test('energyModel: the published softmax is the energy without its 1/β; the other maps are drawn as their energy', () => {
  const m = energyModel(answer('energy'));
  for (const g of m.subfigures) {
    for (const r of g.rows) {
      const [soft, ...others] = r.panels;
      let worst = 0;
      for (let i = 0; i < r.ny; i++) {
        for (let j = 0; j < r.nx; j++) {
          const q2 = (r.xs[j] ** 2 + r.ys[i] ** 2) / 2;
          const want = q2 * (1 - g.beta) + g.beta * soft.corrected[i * r.nx + j];
          worst = Math.max(worst, Math.abs(soft.published[i * r.nx + j] - want) / Math.max(1, Math.abs(want)));
        }
      }
      assert.ok(worst < 1e-12, `M = ${g.m}, N = ${r.n}: off by ${worst}`);
      for (const p of others) assert.equal(p.published, p.corrected);
    }
  }
});

test('basinsModel: 5 memories, rows N = 0, 1, 2, 5; the white share is the share of −1 labels', () => {
  const m = basinsModel(answer('basins'));
  assert.equal(m.m, 5);
  assert.deepEqual(m.rows.map((r) => r.n), [0, 1, 2, 5]);
  for (const r of m.rows) {
    for (const p of r.panels) {
      const white = p.labels.filter((l) => l === -1).length / p.labels.length;
      assert.equal(p.white, white);
      assert.ok(p.labels.every((l) => l >= -2 && l < 5));
    }
  }
});

test('prop31Model: every row of the table; plotted are the M ≥ 4 with a code (the authors\' 63)', () => {
  const m = prop31Model(answer('prop31'));
  assert.equal(m.dim, 3);
  assert.equal(m.rows[0].m, 2);
  assert.equal(m.plotted.length, 63);
  assert.equal(m.plotted[0].m, 4);
  assert.equal(m.plotted.at(-1).m, 130);
  assert.ok(m.plotted.every((r) => typeof r.proven === 'boolean' && r.source && r.lower > 0 && r.upper > r.lower));
});

test('a broken answer is an error, not an empty figure', () => {
  assert.throws(() => energyModel({figure: 'energy'}), /no runs/);
  const a = answer('energy');
  a.runs = a.runs.filter((r) => !(r.memories === 4 && r.map === 'identity'));
  assert.throws(() => energyModel(a), /M = 4/);
  assert.throws(() => prop31Model({figure: 'prop31'}), /no codes/);
});

test('flatGrid reads null as NaN', () => {
  assert.deepEqual(Array.from(flatGrid([[1, null], [3, 4]])), [1, NaN, 3, 4]);
});

test('sepLabel: the words on screen', () => {
  assert.equal(sepLabel('entmax15'), '1.5-entmax');
  assert.equal(sepLabel('entmax:1.25'), '1.25-entmax');
  assert.equal(sepLabel('softmax'), 'softmax');
});

test('localMinima counts the interior cells lower than their 8 neighbours', () => {
  const n = 9;
  const bowl = new Float64Array(n * n);
  const two = new Float64Array(n * n);
  const slope = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      bowl[i * n + j] = (i - 4) ** 2 + (j - 3) ** 2;
      two[i * n + j] = Math.min((i - 2) ** 2 + (j - 2) ** 2, (i - 6) ** 2 + (j - 6) ** 2 + 0.5);
      slope[i * n + j] = i + j;
    }
  }
  assert.equal(localMinima(bowl, n, n), 1);
  assert.equal(localMinima(two, n, n), 2);
  assert.equal(localMinima(slope, n, n), 0);
});

test('localMinima: a plateau of equal cells with everything around it higher is one minimum', () => {
  const n = 7;
  const grid = (f) => {
    const e = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) e[i * n + j] = f(i, j);
    return e;
  };
  // Two memories merged into one minimum half-way between two diagonal
  // cells (as Figure 1's softmax at β = 1/0.9): the two cells are equal.
  const diag = grid((i, j) => ((i - 3.5) ** 2 + (j - 3.5) ** 2) + ((i - j) ** 2) * 0.1);
  assert.equal(diag[3 * n + 3], diag[4 * n + 4]);
  assert.equal(localMinima(diag, n, n), 1);
  // A flat-bottomed bowl: a 3 × 3 plateau.
  const flat = grid((i, j) => Math.max(Math.abs(i - 3), Math.abs(j - 3), 1));
  assert.equal(localMinima(flat, n, n), 1);
  // Two plateaus of the same value, apart: two minima.
  const two = grid((i, j) => Math.min(Math.abs(i - 2) + Math.abs(j - 1), Math.abs(i - 4) + Math.abs(j - 5)) < 1 ? 0 : 1);
  assert.equal(localMinima(two, n, n), 2);
  // A plateau that reaches the border may go on lower outside the box.
  const edge = grid((i, j) => (i <= 3 ? 0 : i));
  assert.equal(localMinima(edge, n, n), 0);
  // A plateau beside a lower cell is a terrace, not a minimum; the lower cell is one.
  const terrace = grid((i, j) => (i === 3 && j === 5 ? -1 : Math.max(Math.abs(i - 3), Math.abs(j - 3), 1)));
  assert.equal(localMinima(terrace, n, n), 1);
  // Beside a value that is not a number, nothing is known.
  const hole = grid((i, j) => (i - 3) ** 2 + (j - 3) ** 2);
  hole[2 * n + 3] = NaN;
  assert.equal(localMinima(hole, n, n), 0);
});
