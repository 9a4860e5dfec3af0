/**
 * PanelView: one panel of the explorer, the landscape of one separation in one
 * space (input or feature), drawn on a canvas with its colour bar below.
 *
 * The view draws what render is given and nothing else; user actions go out
 * as events through emit (see the class doc). The one piece of state it keeps
 * is the memory being dragged, drawn at the pointer until the server's frames
 * catch up.
 */

import {contourLevels, contourLines} from './contour.js';
import {drawFeatureGuides, drawPairAngle, drawUnitCircle} from './feature.js';
import {LABEL_UNDEFINED} from './frame.js';
import {Heatmap} from './heatmap.js';
import {EnergyLegend} from './legend.js';
import {drawAxes, drawCrosshair, drawProbePath, labelFont, panelLabelScale, textHalo} from './overlays.js';
import {drawMarker, INK} from './palette.js';
import {Viewport} from './viewport.js';

/** Marker radius in CSS px, and for crowded panels (more than 16 memories). */
const MARKER_RADIUS = 6;
const MARKER_RADIUS_CROWDED = 4.5;
/** The selected marker's ring, in marker radii (palette.js, drawMarker). */
const SELECTED_RING = 1.85;
/** A press within this many CSS px of a marker's centre grabs it. */
const HIT_RADIUS = 10;
/** A press that moves less than this (CSS px) is a click, not a drag. */
const DRAG_THRESHOLD = 3;
/** How long a released memory stays where it was dropped if no new epoch arrives (ms). */
const DROP_HOLD_MS = 1500;
/**
 * A dragged memory is drawn at the pointer at least this often (ms), with
 * the frames when they come that often: a panel drawn for the pointer
 * alone costs the browser a commit of its canvas, as much as a frame's.
 */
const DRAG_REDRAW_MS = 30;

const SUBSCRIPTS = '₀₁₂₃₄₅₆₇₈₉';

/** Energy contour lines drawn over the flat basins in 'both' mode. */
const CONTOUR_LEVELS = 10;
const CONTOUR_COLOR = 'rgba(29, 31, 36, 0.5)';

/** The energy range under a panel changes at most once per this many ms (updateLegend). */
const LEGEND_INTERVAL_MS = 200;

/**
 * A PanelView owns a <div class="panel-view"> appended to its container,
 * holding <canvas data-testid="canvas-{space}-{panelIndex}"> and the legend
 * <div data-testid="legend-{space}-{panelIndex}">.
 *
 * Events (emit(ev), at most one move and one hover per animation frame):
 *   {type: 'select', i}          press on a marker (i), or click on empty space (i = null)
 *   {type: 'move', i, x, y, ts, last} while dragging a marker (interactive panels), once more
 *                                on release (with last true); x, y are clamped to the view's
 *                                box; ts is the timeStamp of the pointer event that put it
 *                                there. A press that does not move 3 px sends no move.
 *   {type: 'add', x, y}          double-click on empty space (interactive panels)
 *   {type: 'hover', space, x, y, dragging} the pointer moves over the canvas (also over the
 *                                tick gutters); while a memory is dragged, with dragging true
 *                                and the memory's position
 *   {type: 'hover', space: null} the pointer left the canvas
 *   {type: 'probe', space, x, y} Shift+press anywhere on the plot (any panel)
 */
export class PanelView {
  /**
   * @param {HTMLElement} container
   * @param {{space: 'input'|'feature', panelIndex: number, interactive?: boolean,
   *   emit?: (ev: object) => void}} opts interactive (memory dragging and adding)
   *   is honoured in the input space only.
   */
  constructor(container, {space, panelIndex, interactive = false, emit = () => {}}) {
    if (space !== 'input' && space !== 'feature') throw new Error(`panel: space ${space}, want input or feature`);
    this.space = space;
    this.panelIndex = panelIndex;
    this.interactive = Boolean(interactive) && space === 'input';
    this.emit = emit;

    this.root = document.createElement('div');
    this.root.className = 'panel-view';
    this.root.dataset.space = space;
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'panel-view__canvas';
    this.canvas.dataset.testid = `canvas-${space}-${panelIndex}`;
    this.canvas.dataset.cursor = 'crosshair';
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', `${space} space landscape`);
    this.root.append(this.canvas);
    this.legend = new EnergyLegend(this.root, `legend-${space}-${panelIndex}`);
    container.append(this.root);

    this.ctx = this.canvas.getContext('2d');
    this.vp = new Viewport();
    this.heat = new Heatmap();
    this.painted = {panel: null, show: ''}; // what the heatmap's raster holds
    // Offscreen layers at device resolution: the axes, and the base (the
    // raster, the contour lines and the axes) that redraws of the same
    // picture copy (drawPicture). picture: the picture on show and how
    // often it was drawn; keepBase: the one before was drawn again.
    this.axes = {canvas: document.createElement('canvas'), key: ''};
    this.base = {canvas: document.createElement('canvas'), panel: null, show: '', axes: ''};
    this.picture = {panel: null, show: '', axes: '', draws: 0};
    this.keepBase = false;
    this.sig = null; // what the last render showed (signature)
    this.contours = {panel: null, lines: null}; // the energy's contour lines (contourLines), grid coordinates
    this.frame = null;
    this.ui = null;
    this.cssW = 0;
    this.cssH = 0;
    this.devW = 0;
    this.devH = 0;
    this.labelColor = INK;
    this.scale = 1; // of the markers (CSS --panel-scale: presentation mode)
    this.labelScale = 1; // of the labels drawn, their gutters and ticks (panelLabelScale)
    this.selectedBoxes = []; // where the selected memory's ring and name were drawn, CSS px (drawMarkers)
    this.ariaSep = null;

    this.legendNext = null; // the range the legend is to show: {min, max, show}
    this.legendAt = -Infinity; // when it last changed
    this.legendShow = '';
    this.legendTimer = 0;

    this.drag = null; // {i, pointerId, px0, py0, ox, oy, x, y, ts, moved}
    this.press = null; // {pointerId, px, py}: a press on empty space
    this.dropped = null; // {i, x, y, epoch}: a released drag awaiting its frame
    this.dropTimer = 0;
    this.outMove = false;
    this.outHover = null;
    this.dirty = false;
    this.dragMoved = false; // the dragged memory moved since the panel was drawn
    this.drawnAt = -Infinity; // when the panel was last drawn (performance.now)
    this.raf = 0;

    this.onFrame = this.onFrame.bind(this);
    this.handlers = {
      pointerdown: (e) => this.onPointerDown(e),
      pointermove: (e) => this.onPointerMove(e),
      pointerup: (e) => this.onPointerUp(e, false),
      pointercancel: (e) => this.onPointerUp(e, true),
      pointerleave: () => this.onPointerLeave(),
      dblclick: (e) => this.onDblClick(e),
    };
    for (const [type, fn] of Object.entries(this.handlers)) this.canvas.addEventListener(type, fn);

    this.resizeObserver = new ResizeObserver((entries) => this.onResize(entries[entries.length - 1]));
    try {
      this.resizeObserver.observe(this.canvas, {box: 'device-pixel-content-box'});
    } catch {
      this.resizeObserver.observe(this.canvas);
    }
  }

  /**
   * render draws frame as seen through ui, unless nothing this panel shows
   * has changed since it last drew (it then returns false). A redraw is
   * cheap: the picture (raster, contour lines) and the axes are kept in
   * offscreen layers, rebuilt only when the panel, what to show or the
   * layout changed, and copied under the markers and overlays.
   * @param {import('./frame.js').Frame|null} frame
   * @param {{separations?: string[], show?: 'energy'|'basins'|'both', selected?: number|null,
   *   hover?: {space: string, x: number, y: number}|null,
   *   probe?: {space: string, x: number, y: number, paths: object[]}|null,
   *   optimum?: object|null}} ui optimum is the server's state.optimum
   * @returns {boolean} whether the panel drew
   */
  render(frame, ui) {
    ui = ui || {};
    const sig = this.signature(frame, ui);
    this.frame = frame;
    this.ui = ui;
    if (!this.dirty && this.sig && sameSignature(sig, this.sig)) return false;
    this.sig = sig;
    this.dirty = false;
    this.draw();
    return true;
  }

  /**
   * signature lists what of frame and ui this panel shows. The hover of a
   * drag is left out: it moves with every pointer event, and the other
   * panels' crosshairs follow it when their frames come, not in between.
   */
  signature(frame, ui) {
    const hover = ui.hover && ui.hover.space === this.space && !ui.hover.dragging ? ui.hover : null;
    const probe = ui.probe && ui.probe.space === this.space ? ui.probe : null;
    const opt = this.space === 'feature' && ui.optimum ? ui.optimum : null;
    return [
      frame,
      ui.show,
      ui.selected,
      hover ? hover.x : NaN,
      hover ? hover.y : NaN,
      probe ? probe.paths : null,
      probe ? probe.x : NaN,
      probe ? probe.y : NaN,
      Array.isArray(ui.separations) ? ui.separations[this.panelIndex] : undefined,
      Array.isArray(ui.separationTitles) ? ui.separationTitles[this.panelIndex] : undefined,
      opt ? opt.dim : NaN,
      opt ? opt.m : NaN,
      opt ? opt.angleDeg : NaN,
    ];
  }

  /**
   * toClient gives the client (viewport) CSS coordinates of world point
   * (x, y) of this panel's space, or null before the first frame with this
   * panel's view has been drawn.
   * @param {number} x
   * @param {number} y
   * @returns {{x: number, y: number} | null}
   */
  toClient(x, y) {
    if (!this.vp.valid || !(this.cssW > 0)) return null;
    const r = this.canvas.getBoundingClientRect();
    return {x: r.left + (this.vp.px(x) * r.width) / this.cssW, y: r.top + (this.vp.py(y) * r.height) / this.cssH};
  }

  /** restyle takes the page's colours again (the theme changed) and draws with them. */
  restyle() {
    this.readStyle();
    this.requestDraw();
  }

  /** readStyle takes the tick colour and the scales from the canvas's CSS. */
  readStyle() {
    const css = getComputedStyle(this.canvas);
    this.labelColor = css.color || INK;
    this.scale = parseFloat(css.getPropertyValue('--panel-scale')) || 1;
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
    this.labelScale = panelLabelScale(css.getPropertyValue('--panel-label-rem'), rem);
  }

  /** destroy removes the panel from the page and stops all its work. */
  destroy() {
    this.resizeObserver.disconnect();
    for (const [type, fn] of Object.entries(this.handlers)) this.canvas.removeEventListener(type, fn);
    if (this.raf) cancelAnimationFrame(this.raf);
    clearTimeout(this.dropTimer);
    clearTimeout(this.legendTimer);
    this.raf = 0;
    this.root.remove();
    this.frame = null;
  }

  // --- drawing ---

  draw() {
    this.dragMoved = false;
    this.drawnAt = performance.now();
    if (!this.sizeBackingStore()) return;
    const {ctx, frame, vp} = this;
    const ui = this.ui || {};
    const dpr = this.devW / this.cssW;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.devW, this.devH);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.updateAria(ui);

    const view = frame && frame.views.find((v) => v.space === this.space);
    const panel = view && view.panels[this.panelIndex];
    if (!panel) {
      vp.valid = false;
      this.legend.update(NaN, NaN);
      this.drawEmpty(frame ? `no ${this.space} view in this frame` : 'waiting for the first frame');
      return;
    }
    vp.layout(this.cssW, this.cssH, dpr, view.box, frame.nx, frame.ny, this.labelScale);
    this.legend.align(vp.left, this.cssW - vp.left - vp.width);
    const show = ui.show || 'both';
    this.updateLegend(panel.energyMin, panel.energyMax, show);

    this.drawPicture(panel, view.box, frame.nx, frame.ny, show, dpr);

    const points = this.space === 'input' ? frame.inputPoints : frame.featurePoints;
    const m = points ? frame.m : 0;
    const pair = this.space === 'feature' ? drawFeatureGuides(ctx, vp, points, m, ui.optimum) : null;
    if (this.space === 'input' && onUnitCircle(points, m)) drawUnitCircle(ctx, vp);

    if (ui.hover && ui.hover.space === this.space && !this.drag) {
      drawCrosshair(ctx, vp, ui.hover.x, ui.hover.y);
    }
    if (points) this.drawMarkers(points, m, ui.selected);

    const probe = ui.probe;
    if (probe && probe.space === this.space && Array.isArray(probe.paths) && Array.isArray(ui.separations)) {
      const sep = ui.separations[this.panelIndex];
      const path = probe.paths.find((p) => p.separation === sep);
      if (path) drawProbePath(ctx, vp, path, this.labelScale);
    }
    if (pair) drawPairAngle(ctx, vp, points, m, pair, this.labelScale, {markerR: 1.2 * this.markerRadius(m), avoid: this.selectedBoxes});
  }

  /**
   * drawPicture puts the panel's picture on the canvas: its raster, its
   * contour lines when show is 'both', and the axes (kept in their own
   * layer). A picture drawn more than once (the markers, the hover or the
   * probe changed, not the frame) is kept in the base layer, so that its
   * redraws only copy it. A panel whose last picture was drawn once (frames
   * streaming in, nothing else changing) draws the next one straight onto
   * the canvas; one whose last picture was drawn again (a memory being
   * dragged over it) keeps the next one at once.
   */
  drawPicture(panel, box, nx, ny, show, dpr) {
    const {ctx, vp, axes, base} = this;
    const layout = `${this.devW}x${this.devH}|${dpr}|${vp.left},${vp.top},${vp.width},${vp.height}|${vp.x0},${vp.x1},${vp.y0},${vp.y1}`;
    const axesKey = `${layout}|${box.xmin},${box.xmax},${box.ymin},${box.ymax}|${this.labelColor}|${this.labelScale}`;
    if (axes.key !== axesKey) {
      const c = sized(axes.canvas, this.devW, this.devH);
      c.setTransform(1, 0, 0, 1, 0, 0);
      c.clearRect(0, 0, this.devW, this.devH);
      c.setTransform(dpr, 0, 0, dpr, 0, 0);
      drawAxes(c, vp, this.labelColor, this.labelScale);
      axes.key = axesKey;
    }
    const same = (k) => k.panel === panel && k.show === show && k.axes === axesKey;
    const pic = this.picture;
    if (!same(pic)) {
      this.keepBase = pic.draws > 1;
      Object.assign(pic, {panel, show, axes: axesKey, draws: 0});
    }
    pic.draws++;
    if (!same(base)) {
      if (!this.keepBase && pic.draws === 1) {
        this.renderPicture(ctx, panel, box, nx, ny, show, dpr);
        return;
      }
      const c = sized(base.canvas, this.devW, this.devH);
      c.setTransform(1, 0, 0, 1, 0, 0);
      c.clearRect(0, 0, this.devW, this.devH);
      this.renderPicture(c, panel, box, nx, ny, show, dpr);
      Object.assign(base, {panel, show, axes: axesKey});
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(base.canvas, 0, 0);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  }

  /** renderPicture draws the raster, the contour lines and the axes on c; it ends in CSS pixels. */
  renderPicture(c, panel, box, nx, ny, show, dpr) {
    const {vp} = this;
    if (this.painted.panel !== panel || this.painted.show !== show) {
      this.heat.paint(panel, nx, ny, show);
      this.painted = {panel, show};
    }
    c.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.heat.draw(c, vp.left, vp.top, vp.width, vp.height);
    if (show === 'both') this.drawContours(c, panel, box, nx, ny);
    c.setTransform(1, 0, 0, 1, 0, 0);
    c.drawImage(this.axes.canvas, 0, 0);
    c.setTransform(dpr, 0, 0, dpr, 0, 0);
  }

  /**
   * updateLegend shows the energy range under the panel: at once when what
   * the panel paints changed or the legend has not changed for
   * LEGEND_INTERVAL_MS, else at the end of that interval. While frames
   * stream in (a memory dragged) the range changes with every one, and new
   * text every frame would have the page laid out and painted again.
   */
  updateLegend(min, max, show) {
    const now = performance.now();
    this.legendNext = {min, max, show};
    if (show !== this.legendShow || now - this.legendAt >= LEGEND_INTERVAL_MS) {
      clearTimeout(this.legendTimer);
      this.legendTimer = 0;
      this.flushLegend(now);
    } else if (!this.legendTimer) {
      this.legendTimer = setTimeout(() => {
        this.legendTimer = 0;
        this.flushLegend(performance.now());
      }, this.legendAt + LEGEND_INTERVAL_MS - now);
    }
  }

  flushLegend(now) {
    const {min, max, show} = this.legendNext;
    this.legend.update(min, max, show, CONTOUR_LEVELS);
    this.legendAt = now;
    this.legendShow = show;
  }

  /**
   * drawContours draws CONTOUR_LEVELS level lines of the panel's energy,
   * evenly spaced over its range, through the grid nodes (undefined cells
   * excluded).
   */
  drawContours(ctx, panel, box, nx, ny) {
    if (this.contours.panel !== panel) {
      const levels = contourLevels(panel.energyMin, panel.energyMax, CONTOUR_LEVELS);
      const labels = panel.labels;
      this.contours = {panel, lines: contourLines(panel.energy, nx, ny, levels, (k) => labels[k] === LABEL_UNDEFINED)};
    }
    const lines = this.contours.lines;
    if (!lines.length) return;
    const {vp} = this;
    const sx = (box.xmax - box.xmin) / (nx - 1);
    const sy = (box.ymax - box.ymin) / (ny - 1);
    ctx.save();
    ctx.beginPath();
    let start = true;
    for (let k = 0; k < lines.length; k += 2) {
      if (Number.isNaN(lines[k])) {
        start = true;
        continue;
      }
      const x = vp.px(box.xmin + lines[k] * sx);
      const y = vp.py(box.ymin + lines[k + 1] * sy);
      if (start) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
      start = false;
    }
    ctx.strokeStyle = CONTOUR_COLOR;
    ctx.lineWidth = 1;
    ctx.stroke();
    ctx.restore();
  }

  /** markerRadius is the radius of the markers of m memories, CSS px. */
  markerRadius(m) {
    return (m > 16 ? MARKER_RADIUS_CROWDED : MARKER_RADIUS) * this.scale;
  }

  /**
   * drawMarkers draws the memories, the selected one last, with its ring
   * and name (whose boxes it keeps in selectedBoxes, for the closest
   * pair's angle to keep clear of); a dragged one at the pointer.
   */
  drawMarkers(points, m, selected) {
    const {ctx, vp} = this;
    const r = this.markerRadius(m);
    this.selectedBoxes = [];
    const sel = Number.isInteger(selected) && selected >= 0 && selected < m ? selected : -1;
    const moving = this.movingMemory();
    if (moving) {
      drawMarker(ctx, moving.i, vp.px(points[2 * moving.i]), vp.py(points[2 * moving.i + 1]), r, {ghost: true});
    }
    for (let i = 0; i < m; i++) {
      if (i === sel) continue;
      const [x, y] = this.markerAt(points, i, moving);
      drawMarker(ctx, i, vp.px(x), vp.py(y), r);
    }
    if (sel >= 0) {
      const [x, y] = this.markerAt(points, sel, moving);
      const cx = vp.px(x);
      const cy = vp.py(y);
      drawMarker(ctx, sel, cx, cy, r, {selected: true});
      const name = (this.space === 'input' ? 'ξ' : 'u') + subscript(sel);
      ctx.save();
      ctx.font = labelFont(11, this.labelScale, '600');
      ctx.textBaseline = 'bottom';
      ctx.textAlign = cx > vp.left + vp.width - 28 * this.labelScale ? 'right' : 'left';
      const dx = ctx.textAlign === 'right' ? -2.2 * r : 2.2 * r;
      const nx = cx + dx * 0.6;
      const ny = cy - 1.3 * r;
      textHalo(ctx, name, nx, ny, '#ffffff', INK);
      const w = ctx.measureText(name).width;
      const h = 11 * this.labelScale;
      const ring = SELECTED_RING * r + 2.5; // drawMarker's ring and its halo
      this.selectedBoxes = [{x: cx - ring, y: cy - ring, w: 2 * ring, h: 2 * ring}, {x: ctx.textAlign === 'right' ? nx - w : nx, y: ny - h, w, h}];
      ctx.restore();
    }
  }

  /** The memory shown away from its frame position (dragged or just dropped), or null. */
  movingMemory() {
    if (this.space !== 'input') return null;
    if (this.drag && this.drag.moved) return this.drag;
    const d = this.dropped;
    if (d && this.frame && this.frame.epoch === d.epoch && d.i < this.frame.m) return d;
    this.dropped = null;
    return null;
  }

  markerAt(points, i, moving) {
    if (moving && moving.i === i) return [moving.x, moving.y];
    return [points[2 * i], points[2 * i + 1]];
  }

  drawEmpty(text) {
    const {ctx} = this;
    ctx.save();
    ctx.fillStyle = 'rgba(29, 31, 36, 0.05)';
    ctx.fillRect(0.5, 0.5, this.cssW - 1, this.cssH - 1);
    ctx.fillStyle = this.labelColor;
    ctx.font = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, this.cssW / 2, this.cssH / 2);
    ctx.restore();
  }

  updateAria(ui) {
    const sep = Array.isArray(ui.separationTitles) ? ui.separationTitles[this.panelIndex] : undefined;
    const key = `${sep}|${ui.show}`;
    if (key === this.ariaSep) return;
    this.ariaSep = key;
    const what = ui.show === 'energy' ? 'Energy landscape' : ui.show === 'basins' ? 'Basins of attraction' : 'Basins of attraction with energy contours';
    this.canvas.setAttribute('aria-label', `${what} in ${this.space} space${sep ? `, ${sep}` : ''}`);
  }

  /**
   * sizeBackingStore gives the canvas one backing pixel per device pixel of
   * its CSS box. It returns false while the canvas has no size (not laid
   * out or hidden).
   */
  sizeBackingStore() {
    if (!(this.cssW > 0)) {
      const r = this.canvas.getBoundingClientRect();
      if (!(r.width > 0 && r.height > 0)) return false;
      this.setSize(r.width, r.height, Math.round(r.width * devicePixelRatio), Math.round(r.height * devicePixelRatio));
    }
    if (this.canvas.width !== this.devW || this.canvas.height !== this.devH) {
      this.canvas.width = this.devW;
      this.canvas.height = this.devH;
    }
    return true;
  }

  setSize(cssW, cssH, devW, devH) {
    this.cssW = cssW;
    this.cssH = cssH;
    this.devW = Math.max(1, devW);
    this.devH = Math.max(1, devH);
    this.readStyle();
  }

  onResize(entry) {
    if (!entry) return;
    const css = entry.contentBoxSize && entry.contentBoxSize[0];
    const cssW = css ? css.inlineSize : entry.contentRect.width;
    const cssH = css ? css.blockSize : entry.contentRect.height;
    const dev = entry.devicePixelContentBoxSize && entry.devicePixelContentBoxSize[0];
    if (!(cssW > 0 && cssH > 0)) return;
    const devW = dev ? dev.inlineSize : Math.round(cssW * devicePixelRatio);
    const devH = dev ? dev.blockSize : Math.round(cssH * devicePixelRatio);
    if (cssW === this.cssW && cssH === this.cssH && devW === this.devW && devH === this.devH) return;
    this.setSize(cssW, cssH, devW, devH);
    this.requestDraw();
  }

  requestDraw() {
    this.dirty = true;
    this.schedule();
  }

  schedule() {
    if (!this.raf) this.raf = requestAnimationFrame(this.onFrame);
  }

  /** onFrame sends the coalesced events, then redraws if nothing else did. */
  onFrame() {
    this.raf = 0;
    if (this.outMove && this.drag) {
      this.outMove = false;
      this.emit({type: 'move', i: this.drag.i, x: this.drag.x, y: this.drag.y, ts: this.drag.ts});
    }
    if (this.outHover) {
      const ev = this.outHover;
      this.outHover = null;
      this.emit(ev);
    }
    if (this.dirty) {
      this.dirty = false;
      this.draw();
    } else if (this.dragMoved) {
      // The dragged memory follows the pointer: drawn with the next frame
      // if one comes soon, else on its own, at least every DRAG_REDRAW_MS.
      if (performance.now() - this.drawnAt >= DRAG_REDRAW_MS) this.draw();
      else this.schedule();
    }
  }

  // --- pointer input ---

  /** local converts a pointer event to canvas CSS pixels. */
  local(e) {
    const r = this.canvas.getBoundingClientRect();
    return {
      px: ((e.clientX - r.left) * this.cssW) / (r.width || 1),
      py: ((e.clientY - r.top) * this.cssH) / (r.height || 1),
    };
  }

  /** hit gives the memory whose marker is nearest to (px, py) within HIT_RADIUS, or null. */
  hit(px, py) {
    const frame = this.frame;
    const points = frame && (this.space === 'input' ? frame.inputPoints : frame.featurePoints);
    if (!points || !this.vp.valid) return null;
    const moving = this.movingMemory();
    let best = null;
    let bestD = HIT_RADIUS * this.scale;
    for (let i = 0; i < frame.m; i++) {
      const [x, y] = this.markerAt(points, i, moving);
      const d = Math.hypot(this.vp.px(x) - px, this.vp.py(y) - py);
      if (d <= bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  }

  onPointerDown(e) {
    if (e.button !== 0 || !this.vp.valid) return;
    const {px, py} = this.local(e);
    const x = this.vp.wx(px);
    const y = this.vp.wy(py);
    if (e.shiftKey) {
      e.preventDefault();
      if (this.vp.contains(px, py)) this.emit({type: 'probe', space: this.space, x, y});
      return;
    }
    const i = this.hit(px, py);
    if (i === null) {
      this.press = {pointerId: e.pointerId, px, py};
      return;
    }
    e.preventDefault();
    this.emit({type: 'select', i});
    if (!this.interactive) return;
    const points = this.frame.inputPoints;
    const [mx, my] = this.markerAt(points, i, this.movingMemory());
    this.canvas.setPointerCapture(e.pointerId);
    this.drag = {i, pointerId: e.pointerId, px0: px, py0: py, ox: mx - x, oy: my - y, x: mx, y: my, ts: e.timeStamp, moved: false};
    this.dropped = null;
    this.setCursor('grabbing');
  }

  onPointerMove(e) {
    if (!this.vp.valid) return;
    const {px, py} = this.local(e);
    const x = this.vp.wx(px);
    const y = this.vp.wy(py);
    const drag = this.drag;
    if (drag && e.pointerId === drag.pointerId) {
      if (!drag.moved && Math.hypot(px - drag.px0, py - drag.py0) < DRAG_THRESHOLD) return;
      drag.moved = true;
      drag.x = this.vp.clampX(x + drag.ox);
      drag.y = this.vp.clampY(y + drag.oy);
      drag.ts = e.timeStamp;
      this.outMove = true;
      this.outHover = {type: 'hover', space: this.space, x: drag.x, y: drag.y, dragging: true};
      this.dragMoved = true;
      this.schedule();
      return;
    }
    this.outHover = {type: 'hover', space: this.space, x, y};
    this.schedule();
    const i = this.hit(px, py);
    this.setCursor(i === null ? 'crosshair' : this.interactive ? 'grab' : 'pointer');
  }

  onPointerUp(e, cancelled) {
    const drag = this.drag;
    if (drag && e.pointerId === drag.pointerId) {
      this.drag = null;
      if (this.canvas.hasPointerCapture(e.pointerId)) this.canvas.releasePointerCapture(e.pointerId);
      this.setCursor('grab');
      if (drag.moved) {
        this.outMove = false;
        this.emit({type: 'move', i: drag.i, x: drag.x, y: drag.y, ts: e.timeStamp, last: true});
        this.dropped = {i: drag.i, x: drag.x, y: drag.y, epoch: this.frame ? this.frame.epoch : -1};
        clearTimeout(this.dropTimer);
        this.dropTimer = setTimeout(() => {
          this.dropped = null;
          this.requestDraw();
        }, DROP_HOLD_MS);
        this.requestDraw();
      }
      return;
    }
    const press = this.press;
    this.press = null;
    if (cancelled || !press || press.pointerId !== e.pointerId) return;
    const {px, py} = this.local(e);
    if (Math.hypot(px - press.px, py - press.py) < DRAG_THRESHOLD && this.vp.contains(px, py)) {
      this.emit({type: 'select', i: null});
    }
  }

  onPointerLeave() {
    if (this.drag) return; // captured: the drag goes on outside the canvas
    this.outHover = null;
    this.emit({type: 'hover', space: null});
  }

  onDblClick(e) {
    if (!this.interactive || e.shiftKey || !this.vp.valid) return;
    const {px, py} = this.local(e);
    if (!this.vp.contains(px, py) || this.hit(px, py) !== null) return;
    e.preventDefault();
    this.emit({type: 'add', x: this.vp.clampX(this.vp.wx(px)), y: this.vp.clampY(this.vp.wy(py))});
  }

  setCursor(c) {
    if (this.canvas.dataset.cursor !== c) this.canvas.dataset.cursor = c;
  }
}

/** sized gives the 2-D context of canvas c at w × h pixels, resizing it only when needed. */
function sized(c, w, h) {
  if (c.width !== w || c.height !== h) {
    c.width = w;
    c.height = h;
  }
  return c.getContext('2d');
}

/** sameSignature compares two PanelView signatures entry by entry (NaN equals NaN). */
function sameSignature(a, b) {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return false;
  return true;
}

/** onUnitCircle tells whether all m points have norm 1 (normalised memories). */
function onUnitCircle(points, m) {
  if (!points || m === 0) return false;
  for (let i = 0; i < m; i++) {
    if (Math.abs(Math.hypot(points[2 * i], points[2 * i + 1]) - 1) > 1e-6) return false;
  }
  return true;
}

function subscript(n) {
  return String(n).replace(/\d/g, (d) => SUBSCRIPTS[d]);
}
