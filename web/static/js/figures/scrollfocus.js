// The boxes that scroll sideways (the settings tables, the curl lines)
// are a keyboard tab stop only while they have something to scroll: a
// box that shows all it holds is not one more stop for keyboard users.

/**
 * syncScrollFocus makes el focusable (tabindex 0) when its content is
 * wider than it, and not focusable otherwise.
 * @param {{scrollWidth: number, clientWidth: number, setAttribute: Function, removeAttribute: Function}} el
 * @returns {boolean} whether el scrolls
 */
export function syncScrollFocus(el) {
  const scrolls = el.scrollWidth > el.clientWidth + 1;
  if (scrolls) el.setAttribute('tabindex', '0');
  else el.removeAttribute('tabindex');
  return scrolls;
}

/**
 * watchScrollFocus keeps syncScrollFocus true for el as it and its content
 * change size (a resize of the window, the table filled in).
 * @param {Element} el
 */
export function watchScrollFocus(el) {
  const sync = () => syncScrollFocus(el);
  const ro = new ResizeObserver(sync);
  ro.observe(el);
  if (el.firstElementChild) ro.observe(el.firstElementChild);
  sync();
}
