// exportdata.js: what a figure exports besides its picture: its numbers
// as CSV (and JSON, the answer as the server gave it), the request file
// and the curl line that reproduce them through the API. Pure: no DOM;
// tested with node --test.

/** fileBase is the stem of every file a figure exports. */
export function fileBase(id) {
  return `hoplab-figure-${id}`;
}

/** requestFile is the request that computes figure id: POST /api/v1/figures's body. */
export function requestFile(id) {
  return `${JSON.stringify({figure: id}, null, 2)}\n`;
}

/**
 * curlLines reproduce figure id through the API: the request file posted
 * with -d @file, its answer saved next to it.
 * @param {string} figuresURL the absolute URL of POST /api/v1/figures
 * @param {string} id
 */
export function curlLines(figuresURL, id) {
  const base = fileBase(id);
  return `curl -sS ${figuresURL} -H 'Content-Type: application/json' \\\n  -d @${base}-request.json -o ${base}.json`;
}

/** csvField quotes a field when it holds a comma, a quote or a line break. */
export function csvField(v) {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function line(fields) {
  return fields.map(csvField).join(',');
}

// cells calls f(i, j, x, y, k) for every cell of a row of the figure.
function cells(row, f) {
  for (let i = 0; i < row.ny; i++) for (let j = 0; j < row.nx; j++) f(i, j, row.xs[j], row.ys[i], i * row.nx + j);
}

/**
 * energyCSV writes Figure 1's numbers: one line per cell of every panel,
 * as drawn in each mode (the published softmax differs; the other maps'
 * lines repeat their energy). Empty energy: not a number.
 * @param {object} model energyModel
 */
export function energyCSV(model) {
  const out = [line(['memories', 'N', 'separation', 'drawing', 'i', 'j', 'x', 'y', 'energy'])];
  for (const g of model.subfigures) {
    for (const row of g.rows) {
      for (const p of row.panels) {
        for (const [drawing, e] of [['corrected', p.corrected], ['as published', p.published]]) {
          cells(row, (i, j, x, y, k) => out.push(line([g.m, row.n, p.label, drawing, i, j, x, y, e[k]])));
        }
      }
    }
  }
  return `${out.join('\n')}\n`;
}

/**
 * basinsCSV writes the basins figure's numbers: one line per cell of every
 * panel with its label (the memory's index from 0, −1 white, −2
 * undefined), then the white share of each panel in basins-white lines.
 * @param {object} model basinsModel
 */
export function basinsCSV(model) {
  const out = [line(['memories', 'N', 'separation', 'i', 'j', 'x', 'y', 'label'])];
  for (const row of model.rows) {
    for (const p of row.panels) cells(row, (i, j, x, y, k) => out.push(line([model.m, row.n, p.label, i, j, x, y, p.labels[k]])));
  }
  return `${out.join('\n')}\n`;
}

/**
 * whiteCSV writes the white share of every panel of the basins figure.
 * @param {object} model basinsModel
 */
export function whiteCSV(model) {
  const out = [line(['memories', 'N', 'separation', 'white_share', 'undefined_cells'])];
  for (const row of model.rows) for (const p of row.panels) out.push(line([model.m, row.n, p.label, p.white, p.undefinedCells]));
  return `${out.join('\n')}\n`;
}

/**
 * prop31CSV writes every row of the table of codes behind the Prop. 3.1
 * figure (M = 2 and 3 too); empty angle and Δmin: no code known.
 * @param {object} model prop31Model
 */
export function prop31CSV(model) {
  const out = [line(['dim', 'm', 'angle_deg', 'delta_min', 'proven', 'source', 'prop31_lower', 'prop31_upper', 'plotted'])];
  const plotted = new Set(model.plotted.map((r) => r.m));
  for (const r of model.rows) out.push(line([model.dim, r.m, r.angleDeg, r.deltaMin, r.proven, r.source, r.lower, r.upper, plotted.has(r.m)]));
  return `${out.join('\n')}\n`;
}

/**
 * capacityRequestFile is the capacity lab's request file: the body of
 * POST /api/v1/capacity that the page's job ran.
 * @param {object} request capacityRequest
 */
export function capacityRequestFile(request) {
  return `${JSON.stringify(request, null, 2)}\n`;
}

/**
 * capacityCurlLines reproduce the capacity lab's numbers through the API:
 * the request file posted with -d @file to POST /api/v1/capacity, its
 * answer saved next to it; and, for a request beyond the endpoint's own
 * work limit, the same as a job.
 * @param {string} capacityURL the absolute URL of POST /api/v1/capacity
 */
export function capacityCurlLines(capacityURL) {
  const base = fileBase('capacity');
  const jobs = capacityURL.replace(/\/capacity$/, '/jobs');
  return `curl -sS ${capacityURL} -H 'Content-Type: application/json' \\\n  -d @${base}-request.json -o ${base}.json\n` +
    `# beyond 40 CPU-seconds, as a job (then GET the job's Location until it is done):\n` +
    `curl -sS -i ${jobs} -H 'Content-Type: application/json' \\\n  -d "{\\"kind\\": \\"capacity\\", \\"request\\": $(cat ${base}-request.json)}"`;
}

/**
 * capacityCSV writes the capacity table's counts: a line per k = 0 … M
 * with, per map, the queries whose last p has k entries counted in each
 * model (columns <map>_raw, <map>_kernelized, <map>_kernelizedNormalized,
 * named as in the answer), then a line "undefined" with the queries
 * counted in no bin. The table on the page shows the lines of some k
 * (capacityModel's ks); the others are all 0.
 * @param {object} model capacityModel
 */
export function capacityCSV(model) {
  const keys = model.hasNormalized ? ['raw', 'kernelized', 'kernelizedNormalized'] : ['raw', 'kernelized'];
  const out = [line(['k', ...model.maps.flatMap((c) => keys.map((key) => `${c.name}_${key}`))])];
  for (let k = 0; k <= model.m; k++) out.push(line([k, ...model.maps.flatMap((c) => keys.map((key) => c[key][k]))]));
  out.push(line(['undefined', ...model.maps.flatMap((c) => keys.map((key) => c.undefined[key] ?? 0))]));
  return `${out.join('\n')}\n`;
}
