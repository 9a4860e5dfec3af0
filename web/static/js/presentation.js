// presentation.js: presentation mode, for a projector. The page's body
// gets the class "present": the panels fill the viewport with large
// labels and formulas (explorer.css, "presentation mode"), and the
// controls are reduced to play, step and a preset chooser. The mode is in
// the URL as ?present=1, beside the permalink's #s= fragment (which
// history.replaceState keeps, and "copy link" copies with it); the "p" key,
// the "present" button and the flag enter it; "p", Esc and the "leave"
// button leave it. A button (or "f") takes the page truly full screen,
// which browsers allow only in answer to a click or a key.

import {byTestId, h} from './dom.js';

/** The URL's search parameter of presentation mode. */
export const PRESENT_PARAM = 'present';

/**
 * presentFromSearch tells whether a URL's search part asks for
 * presentation mode: ?present, ?present=1 or ?present=true (not =0 or
 * =false).
 * @param {string} search location.search
 */
export function presentFromSearch(search) {
  const v = new URLSearchParams(search).get(PRESENT_PARAM);
  return v !== null && v !== '0' && v.toLowerCase() !== 'false';
}

/**
 * hrefWithPresent is href (absolute) with the flag set or removed, as a
 * path, search and hash for history.replaceState; every other parameter
 * and the hash stay as they are.
 * @param {string} href
 * @param {boolean} on
 */
export function hrefWithPresent(href, on) {
  const u = new URL(href);
  if (on) u.searchParams.set(PRESENT_PARAM, '1');
  else u.searchParams.delete(PRESENT_PARAM);
  return u.pathname + u.search + u.hash;
}

/**
 * presetChoices are the options of the presentation bar's preset chooser:
 * one per preset, and, while the scenario is no preset's, one that says so.
 * @param {{name: string, title?: string}[]} presets the hello's presets
 * @param {string|null} active the preset on show (state.preset)
 * @returns {{value: string, label: string, selected: boolean, disabled: boolean}[]}
 */
export function presetChoices(presets, active) {
  const out = (presets || []).map((p) => ({value: p.name, label: p.title || p.name, selected: p.name === active, disabled: false}));
  if (!out.some((o) => o.selected)) out.unshift({value: '', label: 'your own scenario', selected: true, disabled: true});
  return out;
}

/**
 * bindPresentation wires the mode to the page.
 * @param {{store: object, actions: {preset: (name: string) => void}}} deps
 * @returns {{toggle: () => void, leave: () => boolean, fullScreen: () => void, on: () => boolean}}
 */
export function bindPresentation({store, actions}) {
  const body = document.body;
  const toggleBtn = byTestId('present-toggle');
  const leaveBtn = byTestId('present-leave');
  const fullBtn = byTestId('fullscreen');
  const chooser = byTestId('present-preset');
  let on = false;

  // set enters or leaves the mode, and puts the focus where the next key
  // is wanted.
  function set(want) {
    if (want === on) return;
    on = want;
    body.classList.toggle('present', on);
    toggleBtn.setAttribute('aria-pressed', String(on));
    history.replaceState(history.state, '', hrefWithPresent(location.href, on));
    if (!on && document.fullscreenElement) document.exitFullscreen().catch(() => {});
    if (on) {
      // The controls the mode hides may have had the focus. It goes to the
      // panels (not in the tab order; Tab goes on to them), not to play,
      // whose help tip would cover the top-left corner.
      if (!document.activeElement || document.activeElement === document.body || !isShown(document.activeElement)) byTestId('panels').focus({preventScroll: true});
    } else {
      toggleBtn.focus();
    }
  }

  function fullScreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen().catch(() => {});
      return;
    }
    set(true);
    const req = document.documentElement.requestFullscreen?.();
    if (!req) {
      fullBtn.disabled = true;
      fullBtn.title = 'This browser cannot go full screen here.';
      return;
    }
    req.catch((err) => store.dispatch({type: 'general-error', message: `Full screen was refused (${err.message}).`}));
  }

  function showFull() {
    const full = Boolean(document.fullscreenElement);
    fullBtn.textContent = full ? 'leave full screen' : 'full screen';
    fullBtn.setAttribute('aria-pressed', String(full));
  }

  toggleBtn.addEventListener('click', () => set(!on));
  leaveBtn.addEventListener('click', () => set(false));
  fullBtn.addEventListener('click', fullScreen);
  document.addEventListener('fullscreenchange', showFull);
  if (!document.fullscreenEnabled) {
    fullBtn.disabled = true;
    fullBtn.title = 'This browser cannot go full screen here.';
  }
  chooser.addEventListener('change', () => {
    if (chooser.value) actions.preset(chooser.value);
  });

  // The chooser follows the hello's presets and the preset on show.
  let shown = '';
  store.subscribe((s) => {
    const choices = presetChoices(s.hello?.presets, s.server?.preset ?? null);
    const key = JSON.stringify(choices);
    if (key === shown) return;
    shown = key;
    chooser.replaceChildren(...choices.map((c) => h('option', {value: c.value, selected: c.selected, disabled: c.disabled}, c.label)));
    chooser.value = choices.find((c) => c.selected).value;
  });

  // Opened by the URL flag, the focus goes to the panels as it does for p
  // (set leaves a focus the page already placed).
  set(presentFromSearch(location.search));
  showFull();
  return {
    toggle: () => set(!on),
    /** leave leaves the mode; false when it was not on. */
    leave() {
      if (!on) return false;
      set(false);
      return true;
    },
    fullScreen,
    on: () => on,
  };
}

// isShown tells whether an element takes part in the layout.
function isShown(el) {
  return el.getClientRects().length > 0;
}
