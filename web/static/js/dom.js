// dom.js: small DOM helpers shared by the page's modules.

/**
 * byTestId returns the element with data-testid=id under root, or throws:
 * a missing element is a bug of the template, better found at once.
 * @param {string} id
 * @param {ParentNode} [root]
 * @returns {HTMLElement}
 */
export function byTestId(id, root = document) {
  const el = root.querySelector(`[data-testid="${id}"]`);
  if (!el) throw new Error(`page: no element with data-testid="${id}"`);
  return el;
}

/**
 * h creates an element. attrs: attributes (class, data-*, aria-*, …; a
 * value of null or false leaves it out, true sets it empty); children:
 * nodes or strings.
 * @param {string} tag
 * @param {object} [attrs]
 * @param {...(Node|string|null)} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === false || v === undefined) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c !== null && c !== undefined) el.append(c);
  }
  return el;
}

/**
 * onFrame returns a function that runs fn at most once per animation
 * frame, however often it is called in between.
 * @param {() => void} fn
 */
export function onFrame(fn) {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      fn();
    });
  };
}

/**
 * setProp sets el[name] = value only when it differs, so that unchanged
 * controls are not rewritten (and the page not restyled) on every state.
 * @param {object} el
 * @param {string} name
 * @param {any} value
 */
export function setProp(el, name, value) {
  if (el[name] !== value) el[name] = value;
}

/**
 * onFrameSoon is onFrame that does not wait for the next animation frame
 * when fn has not run for minGapMs: it then runs fn in a microtask, after
 * the current task, so that a frame arriving just after an animation frame
 * is drawn at once instead of a vsync later, and still at most about once
 * per animation frame. In a hidden page it always waits for an animation
 * frame (which a hidden page does not get).
 * @param {() => void} fn
 * @param {number} [minGapMs]
 * @returns {() => void} request: run fn soon (once, however often asked)
 */
export function onFrameSoon(fn, minGapMs = 12) {
  let queued = false;
  let last = -Infinity;
  const run = () => {
    queued = false;
    last = performance.now();
    fn();
  };
  return () => {
    if (queued) return;
    queued = true;
    if (!document.hidden && performance.now() - last >= minGapMs) queueMicrotask(run);
    else requestAnimationFrame(run);
  };
}

/**
 * isTyping reports whether el is a control that takes keys itself (text
 * boxes, number boxes, selects, sliders, check boxes), so page shortcuts
 * must leave them alone.
 * @param {Element|null} el
 */
export function isTyping(el) {
  if (!el) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  return !['button', 'submit', 'reset'].includes(el.type);
}

/**
 * fmt writes a number for reading: 4 significant digits, "–" when it is
 * missing (null, NaN).
 * @param {number|null|undefined} v
 * @param {number} [digits]
 */
export function fmt(v, digits = 4) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(digits - 1);
  return String(Number(v.toPrecision(digits)));
}
