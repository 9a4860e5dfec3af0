import {test} from 'node:test';
import assert from 'node:assert/strict';
import {answer} from './testdata/answers.js';
import {basinsModel, energyModel, prop31Model} from './model.js';
import {basinsCSV, csvField, curlLines, energyCSV, prop31CSV, requestFile, whiteCSV} from './exportdata.js';

// parseCSV reads RFC 4180 CSV (quotes, doubled quotes), for the tests.
function parseCSV(text) {
  const rows = [];
  let row = [];
  let f = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') (f += '"'), i++;
      else if (c === '"') q = false;
      else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') row.push(f), (f = '');
    else if (c === '\n') row.push(f), rows.push(row), (row = []), (f = '');
    else f += c;
  }
  return rows;
}

test('energyCSV: every cell of every panel in both drawings, with the energies as numbers that read back exactly', () => {
  const m = energyModel(answer('energy'));
  const rows = parseCSV(energyCSV(m));
  assert.deepEqual(rows[0], ['memories', 'N', 'separation', 'drawing', 'i', 'j', 'x', 'y', 'energy']);
  assert.equal(rows.length - 1, 2 * 4 * 3 * 2 * 25);
  const soft = rows.filter((r) => r[0] === '4' && r[1] === '5' && r[2] === 'softmax' && r[4] === '2' && r[5] === '3');
  const row = m.subfigures[1].rows[3];
  assert.deepEqual(soft.map((r) => r[3]), ['corrected', 'as published']);
  assert.equal(Number(soft[0][8]), row.panels[0].corrected[2 * 5 + 3]);
  assert.equal(Number(soft[1][8]), row.panels[0].published[2 * 5 + 3]);
  assert.equal(Number(soft[0][6]), row.xs[3]);
  assert.equal(Number(soft[0][7]), row.ys[2]);
});

test('basinsCSV and whiteCSV: labels per cell, white share per panel', () => {
  const m = basinsModel(answer('basins'));
  const rows = parseCSV(basinsCSV(m));
  assert.equal(rows.length - 1, 4 * 3 * 25);
  assert.ok(rows.slice(1).every((r) => Number(r[7]) >= -2 && Number(r[7]) < 5));
  const w = parseCSV(whiteCSV(m));
  assert.equal(w.length - 1, 12);
  assert.equal(Number(w[1][3]), m.rows[0].panels[0].white);
});

test('prop31CSV: every row of the table, sources quoted, unknowns empty', () => {
  const m = prop31Model(answer('prop31'));
  const rows = parseCSV(prop31CSV(m));
  assert.equal(rows.length - 1, m.rows.length);
  const r24 = rows.find((r) => r[1] === '24');
  assert.equal(r24[5], 'snub cube (Robinson 1961); OEIS A383861');
  assert.equal(r24[4], 'true');
  assert.equal(rows.find((r) => r[1] === '2')[8], 'false');
  assert.equal(csvField('a, "b"'), '"a, ""b"""');
  assert.equal(csvField(null), '');
});

test('requestFile and curlLines: POST /api/v1/figures with -d @file', () => {
  assert.deepEqual(JSON.parse(requestFile('basins')), {figure: 'basins'});
  const c = curlLines('http://127.0.0.1:8080/api/v1/figures', 'basins');
  assert.ok(c.startsWith('curl -sS http://127.0.0.1:8080/api/v1/figures -H \'Content-Type: application/json\''));
  assert.ok(c.includes('-d @hoplab-figure-basins-request.json -o hoplab-figure-basins.json'));
});

test('capacityCSV: a line per k = 0 … M with every model of every map, named as in the answer, then the undefined queries', async () => {
  const {capacityModel} = await import('./capacitymodel.js');
  const {capacityCSV} = await import('./exportdata.js');
  const a = answer('capacity');
  const m = capacityModel(a, answer('capacity-request'));
  const rows = parseCSV(capacityCSV(m));
  assert.deepEqual(rows[0], ['k', ...['softmax', 'entmax15', 'sparsemax'].flatMap((s) => [`${s}_raw`, `${s}_kernelized`, `${s}_kernelizedNormalized`])]);
  assert.equal(rows.length, 1 + 11 + 1);
  for (let k = 0; k <= 10; k++) {
    assert.deepEqual(rows[1 + k].map(Number), [k, ...a.capacity.flatMap((c) => [c.raw[k], c.kernelized[k], c.kernelizedNormalized[k]])]);
  }
  assert.deepEqual(rows[12], ['undefined', '0', '0', '0', '0', '0', '0', '0', '0', '0']);
});

test('capacityRequestFile and capacityCurlLines: the request as JSON, posted with -d @file, and as a job', async () => {
  const {capacityCurlLines, capacityRequestFile} = await import('./exportdata.js');
  const req = answer('capacity-request');
  assert.deepEqual(JSON.parse(capacityRequestFile(req)), req);
  const curl = capacityCurlLines('http://127.0.0.1:8080/api/v1/capacity');
  assert.match(curl, /^curl -sS http:\/\/127\.0\.0\.1:8080\/api\/v1\/capacity -H 'Content-Type: application\/json' \\\n {2}-d @hoplab-figure-capacity-request\.json -o hoplab-figure-capacity\.json\n/);
  assert.match(curl, /curl -sS -i http:\/\/127\.0\.0\.1:8080\/api\/v1\/jobs .*\n {2}-d "\{\\"kind\\": \\"capacity\\", \\"request\\": \$\(cat hoplab-figure-capacity-request\.json\)\}"$/);
});
