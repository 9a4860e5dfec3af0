/**
 * Memory colours and marker shapes, shared by every panel, legend and list.
 *
 * Colours: the Okabe–Ito palette (Okabe & Ito, "Color Universal Design",
 * 2008), which stays distinguishable with the common colour-vision
 * deficiencies. Its black is replaced by its grey (#999999) because black basins
 * would vanish in the dark (low-energy) end of viridis. Shapes: nine, so the
 * pair (colour, shape) of memory i, (i mod 8, i mod 9), is different for every
 * i < 72 — more than the 64 memories a session allows — and memories stay
 * distinguishable without colour.
 *
 * Markers get a white halo and a dark outline, so a yellow marker shows on a
 * light background and a dark marker on a dark one.
 */

/** Memory i uses MEMORY_COLORS[i % MEMORY_COLORS.length] (CSS hex colours). */
export const MEMORY_COLORS = Object.freeze([
  '#e69f00', // orange
  '#56b4e9', // sky blue
  '#009e73', // bluish green
  '#f0e442', // yellow
  '#0072b2', // blue
  '#d55e00', // vermillion
  '#cc79a7', // reddish purple
  '#999999', // grey
]);

/** Memory i uses MEMORY_SHAPES[i % MEMORY_SHAPES.length]; see traceShape. */
export const MEMORY_SHAPES = Object.freeze([
  'circle',
  'square',
  'triangle',
  'diamond',
  'triangle-down',
  'pentagon',
  'star',
  'plus',
  'hexagon',
]);

/** The colour of cells whose retrieval reaches no memory (label 65535 / −1). */
export const UNLABELED_COLOR = '#ffffff';

/**
 * The colour of undefined cells (label 65534 / −2): their numbers overflowed,
 * so neither energy nor basin is shown. A near-black that no memory colour
 * uses (memory 7's basins are the palette's grey, #999999).
 */
export const UNDEFINED_RGB = [38, 38, 38];

/** The colour of marker outlines and of dark strokes over the heatmap. */
export const INK = '#1d1f24';

/** The halo drawn under dark strokes so they show on dark backgrounds. */
export const HALO = 'rgba(255, 255, 255, 0.92)';

/**
 * memoryStyle gives the colour and shape of memory i (an integer ≥ 0).
 * @param {number} i
 * @returns {{color: string, shape: string}}
 */
export function memoryStyle(i) {
  return {
    color: MEMORY_COLORS[mod(i, MEMORY_COLORS.length)],
    shape: MEMORY_SHAPES[mod(i, MEMORY_SHAPES.length)],
  };
}

/**
 * memoryRGB gives the colour of memory i as [r, g, b] bytes; with i < 0 the
 * colour of unlabelled cells.
 * @param {number} i
 * @returns {number[]}
 */
export function memoryRGB(i) {
  const hex = i < 0 ? UNLABELED_COLOR : MEMORY_COLORS[mod(i, MEMORY_COLORS.length)];
  return [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
}

/**
 * drawMarker draws memory i's marker centred on (x, y), in the current
 * coordinates of ctx, with about the visual weight of a disc of the given
 * radius. It leaves the context state as it found it.
 *
 * opts.selected adds a ring around the marker; opts.ghost draws it faded with a
 * dashed outline (a former or ideal position, not a memory).
 * @param {CanvasRenderingContext2D} ctx
 * @param {number} i memory index
 * @param {number} x
 * @param {number} y
 * @param {number} radius
 * @param {{selected?: boolean, ghost?: boolean}} [opts]
 */
export function drawMarker(ctx, i, x, y, radius, opts = {}) {
  const {color, shape} = memoryStyle(i);
  ctx.save();
  ctx.lineJoin = 'round';
  ctx.setLineDash([]);
  if (opts.selected) {
    ctx.beginPath();
    ctx.arc(x, y, radius * 1.85, 0, 2 * Math.PI);
    ctx.lineWidth = 4.5;
    ctx.strokeStyle = HALO;
    ctx.stroke();
    ctx.lineWidth = 2;
    ctx.strokeStyle = INK;
    ctx.stroke();
  }
  traceShape(ctx, shape, x, y, radius);
  if (opts.ghost) {
    ctx.globalAlpha = 0.45;
    ctx.fillStyle = color;
    ctx.fill();
    ctx.globalAlpha = 0.9;
    ctx.setLineDash([2, 2]);
    ctx.lineWidth = 1.25;
    ctx.strokeStyle = INK;
    ctx.stroke();
  } else {
    ctx.lineWidth = 3.5;
    ctx.strokeStyle = HALO;
    ctx.stroke();
    ctx.fillStyle = color;
    ctx.fill();
    ctx.lineWidth = 1.25;
    ctx.strokeStyle = INK;
    ctx.stroke();
  }
  ctx.restore();
}

/**
 * traceShape starts a new path holding one marker shape (a name of
 * MEMORY_SHAPES; unknown names trace a circle) centred on (x, y). Sizes are
 * chosen so all shapes look about as heavy as a disc of radius r; polygons
 * point up (y grows downwards on a canvas).
 * @param {CanvasRenderingContext2D} ctx
 * @param {string} shape
 * @param {number} x
 * @param {number} y
 * @param {number} r
 */
export function traceShape(ctx, shape, x, y, r) {
  ctx.beginPath();
  switch (shape) {
    case 'square': {
      const h = 0.85 * r;
      ctx.rect(x - h, y - h, 2 * h, 2 * h);
      break;
    }
    case 'triangle':
      polygon(ctx, x, y + 0.2 * r, 1.3 * r, 3, -Math.PI / 2);
      break;
    case 'triangle-down':
      polygon(ctx, x, y - 0.2 * r, 1.3 * r, 3, Math.PI / 2);
      break;
    case 'diamond':
      polygon(ctx, x, y, 1.2 * r, 4, -Math.PI / 2);
      break;
    case 'pentagon':
      polygon(ctx, x, y + 0.05 * r, 1.08 * r, 5, -Math.PI / 2);
      break;
    case 'hexagon':
      polygon(ctx, x, y, 1.05 * r, 6, 0);
      break;
    case 'star':
      star(ctx, x, y + 0.08 * r, 1.38 * r, 0.6 * r, 5);
      break;
    case 'plus':
      plus(ctx, x, y, 1.1 * r, 0.4 * r);
      break;
    default:
      ctx.arc(x, y, r, 0, 2 * Math.PI);
  }
  ctx.closePath();
}

function polygon(ctx, x, y, r, n, a0) {
  for (let k = 0; k < n; k++) {
    const a = a0 + (2 * Math.PI * k) / n;
    const px = x + r * Math.cos(a);
    const py = y + r * Math.sin(a);
    if (k === 0) ctx.moveTo(px, py);
    else ctx.lineTo(px, py);
  }
}

function star(ctx, x, y, outer, inner, n) {
  for (let k = 0; k < 2 * n; k++) {
    const a = -Math.PI / 2 + (Math.PI * k) / n;
    const r = k % 2 === 0 ? outer : inner;
    const px = x + r * Math.cos(a);
    const py = y + r * Math.sin(a);
    if (k === 0) ctx.moveTo(px, py);
    else ctx.lineTo(px, py);
  }
}

function plus(ctx, x, y, arm, half) {
  const pts = [
    [half, -arm], [half, -half], [arm, -half], [arm, half], [half, half], [half, arm],
    [-half, arm], [-half, half], [-arm, half], [-arm, -half], [-half, -half], [-half, -arm],
  ];
  pts.forEach(([dx, dy], k) => (k === 0 ? ctx.moveTo(x + dx, y + dy) : ctx.lineTo(x + dx, y + dy)));
}

function mod(i, n) {
  return ((i % n) + n) % n;
}
