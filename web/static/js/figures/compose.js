// compose.js: a figure as one picture, for the PNG export: its title, its
// panels laid out as the paper lays them out, their colour bars (or the
// basins' legend and white shares), the memories, and the caption. Drawn
// in CSS pixels on a canvas scaled 2×, with draw.js's painters, so the
// picture shows what the page shows.

import {INK, drawMarker} from '../palette.js';
import {pct} from './captions.js';
import {FONT, drawBasinsPanel, drawColorBar, drawEnergyPanel, drawProp31Chart, energyScales} from './draw.js';

/** The scale of exported pictures: 2 device pixels per CSS pixel. */
export const EXPORT_SCALE = 2;

const PAD = 24;
const P = 170; // a panel's side
const GAP = 10;
const LABEL_W = 64; // the row labels' column
const HBAR_H = 30; // a panel's horizontal colour bar, with its ticks
const VBAR_W = 58; // a row's vertical colour bar, with its ticks

/**
 * wrapText splits text into lines no wider than width in ctx's font.
 * @param {CanvasRenderingContext2D} ctx
 * @param {string} text
 * @param {number} width
 */
export function wrapText(ctx, text, width) {
  const lines = [];
  let cur = '';
  for (const word of text.split(/\s+/)) {
    const next = cur ? `${cur} ${word}` : word;
    if (cur && ctx.measureText(next).width > width) {
      lines.push(cur);
      cur = word;
    } else {
      cur = next;
    }
  }
  if (cur) lines.push(cur);
  return lines;
}

// newCanvas returns a canvas of w × h CSS pixels at EXPORT_SCALE, white.
function newCanvas(w, h) {
  const c = document.createElement('canvas');
  c.width = Math.round(w * EXPORT_SCALE);
  c.height = Math.round(h * EXPORT_SCALE);
  const ctx = c.getContext('2d');
  ctx.setTransform(EXPORT_SCALE, 0, 0, EXPORT_SCALE, 0, 0);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = INK;
  return {canvas: c, ctx};
}

// textBlock measures (draw = false) or draws lines of text from y; returns the height.
function textBlock(ctx, text, x, y, width, px, weight = 'normal', draw = true) {
  ctx.font = `${weight} ${px}px ${FONT}`;
  const lines = wrapText(ctx, text, width);
  if (draw) {
    ctx.fillStyle = INK;
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    lines.forEach((l, i) => ctx.fillText(l, x, y + i * px * 1.35));
  }
  return lines.length * px * 1.35;
}

// twoPass lays a picture out twice: once measuring (draw = false) to size
// the canvas, then drawing. body(ctx, draw) returns the content's height.
// The result is the canvas and its size in CSS pixels.
function twoPass(width, body) {
  const probe = document.createElement('canvas').getContext('2d');
  const h = body(probe, false);
  const {canvas, ctx} = newCanvas(width, h);
  body(ctx, true);
  return {canvas, width, height: h};
}

/**
 * composeEnergy is Figure 1 in a drawing mode: both subfigures side by
 * side, rows N = 0, 1, 2, 5, columns softmax, 1.5-entmax, sparsemax;
 * a colour bar under every panel (as published) or beside every row
 * (corrected).
 * @param {object} model energyModel
 * @param {'published'|'corrected'} mode
 * @param {{note: string, caption: string}} text
 */
export function composeEnergy(model, mode, text) {
  const pub = mode === 'published';
  const subW = LABEL_W + 3 * P + 2 * GAP + (pub ? 0 : GAP + VBAR_W);
  const width = 2 * PAD + model.subfigures.length * subW + (model.subfigures.length - 1) * 36;
  const rowH = P + (pub ? HBAR_H : 0) + GAP;
  return twoPass(width, (ctx, draw) => {
    let y = PAD;
    y += textBlock(ctx, `${model.title}, ${pub ? 'as published' : 'corrected'}`, PAD, y, width - 2 * PAD, 20, 'bold', draw) + 4;
    y += textBlock(ctx, text.note, PAD, y, width - 2 * PAD, 12, 'normal', draw) + 14;
    const top = y;
    model.subfigures.forEach((g, gi) => {
      const x0 = PAD + gi * (subW + 36);
      let yy = top;
      yy += textBlock(ctx, `${g.m} memories, β = ${Number(g.beta.toPrecision(4))}`, x0, yy, subW, 16, 'bold', draw) + 6;
      if (draw) {
        ctx.font = `13px ${FONT}`;
        ctx.textAlign = 'center';
        ctx.textBaseline = 'bottom';
        g.rows[0].panels.forEach((p, k) => ctx.fillText(p.label, x0 + LABEL_W + k * (P + GAP) + P / 2, yy + 16));
      }
      yy += 22;
      const scales = energyScales(g, mode);
      g.rows.forEach((row, r) => {
        if (draw) {
          ctx.font = `bold 13px ${FONT}`;
          ctx.textAlign = 'left';
          ctx.textBaseline = 'middle';
          ctx.fillText(`N = ${row.n}`, x0, yy + P / 2 - (row.n === 0 ? 8 : 0));
          if (row.n === 0) {
            ctx.font = `11px ${FONT}`;
            ctx.fillText('(no map)', x0, yy + P / 2 + 9);
          }
          row.panels.forEach((p, k) => {
            const px = x0 + LABEL_W + k * (P + GAP);
            drawEnergyPanel(ctx, px, yy, P, P, row, p[mode], scales[r][k]);
            if (pub) drawColorBar(ctx, px, yy + P + 4, P, HBAR_H - 6, scales[r][k], 'horizontal', 10);
          });
          if (!pub) drawColorBar(ctx, x0 + LABEL_W + 3 * P + 3 * GAP, yy, VBAR_W, P, scales[r][0], 'vertical', 10);
        }
        yy += rowH;
      });
      y = Math.max(y, yy);
    });
    y += 6;
    for (const para of text.caption.split('\n')) y += textBlock(ctx, para, PAD, y, width - 2 * PAD, 12, 'normal', draw) + 4;
    return y + PAD;
  });
}

/**
 * composeBasins is the basins figure: rows N = 0, 1, 2, 5, columns
 * softmax, 1.5-entmax, sparsemax, each panel with its white share, and a
 * legend of the memories' colours and white.
 * @param {object} model basinsModel
 * @param {{caption: string}} text
 */
export function composeBasins(model, text) {
  const width = 2 * PAD + LABEL_W + 3 * P + 2 * GAP;
  const rowH = P + 20 + GAP;
  return twoPass(width, (ctx, draw) => {
    let y = PAD;
    y += textBlock(ctx, model.title, PAD, y, width - 2 * PAD, 20, 'bold', draw) + 4;
    const r = model.authors.scenario.retrieval;
    y += textBlock(ctx, `${model.m} memories, β = ${model.beta}, ${r.steps} retrieval steps; white: a query that ends within ${r.tolerance} of no single memory`, PAD, y, width - 2 * PAD, 13, 'normal', draw) + 10;
    if (draw) {
      ctx.font = `13px ${FONT}`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      model.rows[0].panels.forEach((p, k) => ctx.fillText(p.label, PAD + LABEL_W + k * (P + GAP) + P / 2, y + 16));
    }
    y += 22;
    for (const row of model.rows) {
      if (draw) {
        ctx.font = `bold 13px ${FONT}`;
        ctx.textAlign = 'left';
        ctx.textBaseline = 'middle';
        ctx.fillText(`N = ${row.n}`, PAD, y + P / 2 - (row.n === 0 ? 8 : 0));
        if (row.n === 0) {
          ctx.font = `11px ${FONT}`;
          ctx.fillText('(no map)', PAD, y + P / 2 + 9);
        }
        row.panels.forEach((p, k) => {
          const px = PAD + LABEL_W + k * (P + GAP);
          drawBasinsPanel(ctx, px, y, P, P, row, p.labels);
          ctx.font = `11px ${FONT}`;
          ctx.textAlign = 'center';
          ctx.textBaseline = 'top';
          ctx.fillStyle = INK;
          ctx.fillText(`white ${pct(p.white)}`, px + P / 2, y + P + 3);
        });
      }
      y += rowH;
    }
    // Legend: one marker per memory, and white.
    if (draw) {
      ctx.font = `12px ${FONT}`;
      ctx.textBaseline = 'middle';
      ctx.textAlign = 'left';
      let lx = PAD + LABEL_W;
      for (let i = 0; i < model.m; i++) {
        drawMarker(ctx, i, lx + 6, y + 8, 5);
        ctx.fillStyle = INK;
        ctx.fillText(`ξ${i + 1}`, lx + 15, y + 8);
        lx += 46;
      }
      ctx.strokeStyle = INK;
      ctx.strokeRect(lx + 0.5, y + 2.5, 11, 11);
      ctx.fillText('white: no single memory', lx + 17, y + 8);
    }
    y += 26;
    y += textBlock(ctx, text.caption, PAD, y, width - 2 * PAD, 12, 'normal', draw);
    return y + PAD;
  });
}

/**
 * composeProp31 is the Prop. 3.1 figure: the chart and its caption.
 * @param {object} model prop31Model
 * @param {{caption: string}} text
 */
export function composeProp31(model, text) {
  const width = 900;
  return twoPass(width, (ctx, draw) => {
    let y = PAD;
    y += textBlock(ctx, model.title, PAD, y, width - 2 * PAD, 20, 'bold', draw) + 10;
    if (draw) drawProp31Chart(ctx, PAD, y, width - 2 * PAD, 500, model, 13);
    y += 510;
    y += textBlock(ctx, text.caption, PAD, y, width - 2 * PAD, 12, 'normal', draw);
    return y + PAD;
  });
}
