import {test} from 'node:test';
import assert from 'node:assert/strict';
import {answer} from './testdata/answers.js';
import {basinsModel, energyModel, localMinima, prop31Model} from './model.js';
import {bandsText, basinsCaption, betaText, deg, energyCaption, fidelityDetails, fidelityNote, mSpans, num, pct, prop31Caption, settingsTable} from './captions.js';
import {energyScales} from './draw.js';

test('energyCaption: the angles and losses of the runs, the valleys of the panels drawn, the mode', () => {
  const m = energyModel(answer('energy'));
  for (const mode of ['published', 'corrected']) {
    const c = energyCaption(m, mode);
    for (const g of m.subfigures) {
      const tr = g.authors.result.trajectory;
      assert.ok(c.includes(`${deg(g.identity.result.trajectory[0].minAngleDeg)} without a map, ${deg(tr[0].minAngleDeg)} under W₀ and ${deg(tr[5].minAngleDeg)} after 5 U-Hop+ steps`), c);
      assert.ok(c.includes(`loss ${num(tr[0].loss, 5)} → ${num(tr[5].loss, 5)}`), c);
      const first = g.rows[0];
      const v = first.panels.map((p) => localMinima(p[mode], first.nx, first.ny)).join(', ');
      assert.ok(c.includes(`${v} at N = 0`), c);
    }
    assert.ok(c.includes(mode === 'published' ? 'as published' : 'corrected'), c);
  }
  // The numbers come from the answer: another angle, another caption.
  const a = answer('energy');
  a.runs[1].result.trajectory[5].minAngleDeg = 42.04;
  assert.ok(energyCaption(energyModel(a), 'corrected').includes('42.0° after 5 U-Hop+ steps'));
});

test('fidelityNote: one short sentence; fidelityDetails: the figure\'s own β', () => {
  const n = fidelityNote();
  assert.ok(n.length <= 120, `${n.length} characters: ${n}`);
  assert.equal(n.split(/[.;:] /).length <= 2 && n.split('. ').length, 1);
  assert.ok(n.includes('1/β') && n.includes('colour scale'), n);
  const m = energyModel(answer('energy'));
  const d = fidelityDetails(m);
  assert.ok(d.includes('β = 1.111 (1/0.9) and 20') && d.includes('up to 20 times too large'), d);
  m.subfigures[1].beta = 8;
  assert.ok(fidelityDetails(m).includes('up to 8 times'));
});

test('basinsCaption: the white share of every panel at N = 0 and N = 5, and where it moved', () => {
  const m = basinsModel(answer('basins'));
  const c = basinsCaption(m);
  const first = m.rows[0].panels.map((p) => pct(p.white)).join(', ');
  const last = m.rows[3].panels.map((p) => pct(p.white)).join(', ');
  assert.ok(c.includes(`covers ${first} of the softmax, 1.5-entmax, sparsemax panels at N = 0 and ${last} at N = 5`), c);
  m.rows[3].panels[0].white = m.rows[0].panels[0].white + 0.1;
  assert.ok(basinsCaption(m).includes('rises for softmax'), basinsCaption(m));
});

test('prop31Caption: the range, the bounds held at every M, the proven ones', () => {
  const m = prop31Model(answer('prop31'));
  const c = prop31Caption(m);
  assert.ok(c.includes('63 values of M from 4 to 130') && c.includes('at every M') && c.includes('12 of them are proven optimal (M = 4 … 14, 24)'), c);
  m.plotted[10] = {...m.plotted[10], deltaMin: m.plotted[10].upper * 2};
  assert.ok(prop31Caption(m).includes('at 62 of the 63 M'), prop31Caption(m));
});

test('settingsTable: one column per memory count, values from the scenarios', () => {
  const a = answer('energy');
  const t = settingsTable(energyModel(a));
  assert.deepEqual(t.head, ['setting', '2 memories', '4 memories']);
  const row = (name) => t.rows.find((r) => r[0] === name);
  assert.deepEqual(row('β (inverse temperature)'), ['β (inverse temperature)', '1.111 (1/0.9)', '20']);
  assert.ok(row('U-Hop+')[1].startsWith('SGD, learning rate 0.1, momentum 0, τ = 1'));
  assert.ok(row('grid')[2].startsWith('5 × 5 over the box of the plotted memories ± 0.1'));
  for (const r of a.runs) r.scenario.uhop.lr = 0.25;
  assert.ok(settingsTable(energyModel(a)).rows.find((r) => r[0] === 'U-Hop+')[1].includes('learning rate 0.25'));
  const b = settingsTable(basinsModel(answer('basins')));
  assert.ok(b.rows.find((r) => r[0] === 'retrieval')[1].startsWith('5 synchronous updates'));
  const p = settingsTable(prop31Model(answer('prop31')));
  assert.ok(p.rows.find((r) => r[0] === 'numbers of points M')[1].startsWith('4 … 50, 55 … 130 in steps of 5 (63 values'));
});

test('number words', () => {
  assert.equal(mSpans([2, 3, 4, 7, 10, 13, 16, 20]), '2 … 4, 7 … 16 in steps of 3, 20');
  assert.equal(betaText(20), '20');
  assert.equal(betaText(1 / 0.9), '1.111 (1/0.9)');
  assert.equal(betaText(1 / 0.05), '20');
  assert.equal(num(-0.000012346), '−1.235×10^−5');
  assert.equal(pct(0.0251), '2.5 %');
});

test('basinsCaption: a share moves as it reads: the same when written the same, else the way it went', () => {
  const m = basinsModel(answer('basins'));
  const [a, b] = [m.rows[0].panels[0], m.rows[3].panels[0]];
  // 50.04 % and 50.06 % are written 50.0 % and 50.1 %: it rises.
  a.white = 0.5004;
  b.white = 0.5006;
  assert.ok(basinsCaption(m).includes('50.0 %') && basinsCaption(m).includes('50.1 %'));
  assert.match(basinsCaption(m), /rises for softmax/);
  // 50.01 % and 50.04 % are both written 50.0 %: it stays the same.
  a.white = 0.5001;
  b.white = 0.5004;
  assert.match(basinsCaption(m), /stays the same for softmax/);
});

test('energyCaption: a minimum shared by two equal cells is one valley', () => {
  const m = energyModel(answer('energy'));
  const row = m.subfigures[0].rows[0];
  const {nx, ny} = row;
  // A bowl whose bottom lies between the cells (1, 1) and (2, 2) of the 5 × 5 grid: those two are equal.
  const bowl = new Float64Array(nx * ny);
  for (let i = 0; i < ny; i++) for (let j = 0; j < nx; j++) bowl[i * nx + j] = (i - 1.5) ** 2 + (j - 1.5) ** 2 + 0.1 * (i - j) ** 2;
  row.panels[0].corrected = bowl;
  assert.match(energyCaption(m, 'corrected'), /\): 1, \d+, \d+ at N = 0/);
});

test('energyCaption: the number of colour bands is that of the bars drawn', () => {
  const m = energyModel(answer('energy'));
  for (const mode of ['published', 'corrected']) {
    const counts = new Set();
    for (const g of m.subfigures) for (const row of energyScales(g, mode)) for (const s of row) counts.add(s.colors.length);
    const lo = Math.min(...counts);
    const hi = Math.max(...counts);
    assert.ok(lo < hi, `the test data has bars of ${lo} … ${hi} bands`);
    const c = energyCaption(m, mode);
    assert.ok(c.includes(`(${lo} to ${hi} bands, `), c);
    assert.ok(!c.includes('(8 bands'), c);
  }
  assert.equal(bandsText({subfigures: [m.subfigures[0]]}, 'published').endsWith('bands'), true);
});
