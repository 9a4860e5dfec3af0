// model.js: the answer of POST /api/v1/figures (docs/api.md, "Figures")
// turned into what the page draws: rows of panels, as the paper lays them
// out. Pure: no DOM; tested with node --test on answers the server wrote
// (testdata/, kept current by TestWriteFigureTestdata).

/** The separation maps' names in the words on screen. */
export const SEP_LABEL = Object.freeze({softmax: 'softmax', entmax15: '1.5-entmax', sparsemax: 'sparsemax'});

/** sepLabel names a separation map for people ("entmax:1.25" → "1.25-entmax"). */
export function sepLabel(name) {
  if (SEP_LABEL[name]) return SEP_LABEL[name];
  const m = /^entmax:(.+)$/.exec(name);
  return m ? `${m[1]}-entmax` : name;
}

/**
 * flatGrid turns rows of numbers (null: not a number) into one row-major
 * Float64Array with NaN for null.
 * @param {(number|null)[][]} rows
 */
export function flatGrid(rows) {
  const ny = rows.length;
  const nx = ny ? rows[0].length : 0;
  const out = new Float64Array(nx * ny);
  for (let i = 0; i < ny; i++) {
    const r = rows[i];
    for (let j = 0; j < nx; j++) out[i * nx + j] = r[j] === null ? NaN : r[j];
  }
  return out;
}

/** flatLabels turns rows of labels into one row-major Int32Array. */
export function flatLabels(rows) {
  const ny = rows.length;
  const nx = ny ? rows[0].length : 0;
  const out = new Int32Array(nx * ny);
  for (let i = 0; i < ny; i++) for (let j = 0; j < nx; j++) out[i * nx + j] = rows[i][j];
  return out;
}

function snapshotAt(run, n) {
  const s = run?.result.snapshots.find((x) => x.iteration === n);
  if (!s) throw new Error(`figures: run "${run?.name}" has no snapshot at N = ${n}`);
  return s;
}

function published(run) {
  return Boolean(run.scenario.view?.paperSoftmaxEnergy);
}

// groupRuns groups a figure's runs by memory count, in the answer's order,
// into {m, identity, authors, identityPublished, authorsPublished}.
function groupRuns(answer) {
  if (!Array.isArray(answer?.runs)) throw new Error(`figures: the answer of figure "${answer?.figure}" has no runs`);
  const groups = [];
  for (const run of answer.runs) {
    let g = groups.find((x) => x.m === run.memories);
    if (!g) groups.push((g = {m: run.memories}));
    const key = run.map + (published(run) ? 'Published' : '');
    if (g[key]) throw new Error(`figures: two runs "${key}" for M = ${run.memories}`);
    g[key] = run;
  }
  for (const g of groups) {
    if (!g.identity || !g.authors) throw new Error(`figures: M = ${g.m} lacks its identity or authors run`);
  }
  return groups;
}

// rowsOf lists the rows of a group: N = 0 from the identity map, then the
// authors' snapshots in order; each with its grid and points.
function rowsOf(g, panelOf) {
  const rows = [];
  const add = (run, pubRun, n, map) => {
    const s = snapshotAt(run, n);
    const ps = pubRun ? snapshotAt(pubRun, n) : null;
    rows.push({
      n,
      map,
      run,
      nx: s.xs.length,
      ny: s.ys.length,
      xs: s.xs,
      ys: s.ys,
      points: s.points,
      panels: s.panels.map((p) => panelOf(p, s, ps)),
    });
  };
  add(g.identity, g.identityPublished, 0, 'identity');
  for (const s of g.authors.result.snapshots) add(g.authors, g.authorsPublished, s.iteration, 'authors');
  return rows;
}

/**
 * energyModel is Figure 1: one subfigure per memory count, each with the
 * rows N = 0, 1, 2, 5 and the three maps. Every panel has its corrected
 * energy (the energy E of the maps, with the 1/β) and its published one
 * (softmax without the 1/β, from the published run; the other maps are
 * drawn as their energy, as the paper does).
 * @param {object} answer
 */
export function energyModel(answer) {
  const subfigures = groupRuns(answer).map((g) => ({
    m: g.m,
    beta: g.authors.scenario.beta,
    identity: g.identity,
    authors: g.authors,
    rows: rowsOf(g, (p, s, ps) => {
      const corrected = flatGrid(p.energy);
      let pub = corrected;
      if (p.separation === 'softmax') {
        const pp = ps?.panels.find((x) => x.separation === 'softmax');
        if (!pp) throw new Error(`figures: no published softmax panel at N = ${s.iteration}`);
        pub = flatGrid(pp.energy);
      }
      return {sep: p.separation, label: sepLabel(p.separation), corrected, published: pub};
    }),
  }));
  return {figure: answer.figure, title: answer.title, subfigures};
}

/**
 * basinsModel is the basins figure: the rows N = 0, 1, 2, 5 of the three
 * maps, with each cell's label (memory index, −1 white, −2 undefined) and
 * each panel's white share.
 * @param {object} answer
 */
export function basinsModel(answer) {
  const [g, ...rest] = groupRuns(answer);
  if (rest.length) throw new Error('figures: the basins figure has one memory count');
  return {
    figure: answer.figure,
    title: answer.title,
    m: g.m,
    beta: g.authors.scenario.beta,
    identity: g.identity,
    authors: g.authors,
    rows: rowsOf(g, (p) => ({
      sep: p.separation,
      label: sepLabel(p.separation),
      labels: flatLabels(p.labels),
      white: p.unlabeledFraction,
      undefinedCells: p.undefinedCells,
    })),
  };
}

/**
 * prop31Model is the Prop. 3.1 figure: the rows of the table of codes
 * (GET /api/v1/spherical-codes), those plotted (the M of the authors'
 * bound_simulation.py: M ≥ 4 with a known code) and all of them.
 * @param {object} answer
 */
export function prop31Model(answer) {
  const codes = answer?.codes?.codes;
  if (!Array.isArray(codes)) throw new Error('figures: the Prop. 3.1 answer has no codes');
  const rows = codes.map((c) => ({
    m: c.m,
    angleDeg: c.angleDeg,
    deltaMin: c.deltaMin,
    proven: c.proven,
    source: c.source,
    lower: c.prop31.lower,
    upper: c.prop31.upper,
  }));
  return {
    figure: answer.figure,
    title: answer.title,
    dim: answer.codes.dim,
    source: answer.source,
    rows,
    plotted: rows.filter((r) => r.m >= 4 && r.deltaMin !== null),
  };
}

/**
 * localMinima counts the minima of a grid inside the plotted box: the
 * sets of cells of one value, connected through their 8 neighbours, whose
 * every other neighbour is strictly higher and none of which lies on the
 * border (a minimum there may go on outside the box). A single cell lower
 * than its 8 neighbours is such a set; so is a plateau of equal cells, such
 * as the two diagonal cells that share a minimum half-way between them,
 * which counts once. A set beside a value that is not a number is not
 * counted (what lies there is unknown).
 * @param {ArrayLike<number>} e row-major nx·ny values
 * @param {number} nx
 * @param {number} ny
 */
export function localMinima(e, nx, ny) {
  const seen = new Uint8Array(nx * ny);
  const stack = [];
  let n = 0;
  for (let i = 1; i + 1 < ny; i++) {
    for (let j = 1; j + 1 < nx; j++) {
      const start = i * nx + j;
      const v = e[start];
      if (seen[start] || !Number.isFinite(v)) continue;
      // Flood the set of cells equal to v around start; it is a minimum
      // when nothing around it is lower (or unknown) and it stays inside.
      let min = true;
      seen[start] = 1;
      stack.push(start);
      while (stack.length) {
        const k = stack.pop();
        const ki = Math.floor(k / nx);
        const kj = k - ki * nx;
        if (ki === 0 || kj === 0 || ki === ny - 1 || kj === nx - 1) min = false;
        for (let di = -1; di <= 1; di++) {
          const ii = ki + di;
          if (ii < 0 || ii >= ny) continue;
          for (let dj = -1; dj <= 1; dj++) {
            const jj = kj + dj;
            if ((!di && !dj) || jj < 0 || jj >= nx) continue;
            const q = ii * nx + jj;
            const w = e[q];
            if (w === v) {
              if (!seen[q]) {
                seen[q] = 1;
                stack.push(q);
              }
            } else if (!(w > v)) {
              min = false;
            }
          }
        }
      }
      if (min) n++;
    }
  }
  return n;
}
