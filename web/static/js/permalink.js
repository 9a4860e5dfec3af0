// permalink.js: the whole state of the page lives in its URL, so any view
// is a link. The hash is #s=<base64url of JSON {v, scenario, ui}>: v the
// link's version, scenario the session's scenario (whose uhop.iterations
// is the iteration on show), ui the page-only settings {views, speed,
// show, lesson}. Versions: 1, the first links, have no v and no lesson
// (and, earliest, basinOpacity instead of show: showFromLink); 2 adds v
// and ui.lesson, the controls a lesson link hides or locks (lesson.js).
// Both open. While the guided tour runs the hash is #tour=<step> instead
// (tour.js). The hash follows the state (history.replaceState, debounced,
// so the back button is not flooded); "copy link" copies it; "export
// scenario" downloads the scenario JSON, which POST /api/v1/run accepts as
// it is.

import {byTestId} from './dom.js';

const DEBOUNCE_MS = 250;

/** LINK_VERSION is the version of the links this page writes (see the top). */
export const LINK_VERSION = 2;

/** encodeLink writes {scenario, ui} as base64url JSON. */
export function encodeLink(payload) {
  const bytes = new TextEncoder().encode(JSON.stringify(payload));
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * decodeLink reads what encodeLink wrote: {version, scenario, ui}, version
 * 1 for links without v. It throws on malformed input and on a version
 * newer than this page's.
 */
export function decodeLink(s) {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  const v = JSON.parse(new TextDecoder('utf-8', {fatal: true}).decode(bytes));
  if (!v || typeof v !== 'object' || !v.scenario || typeof v.scenario !== 'object') {
    throw new Error('the link holds no scenario');
  }
  const version = v.v === undefined ? 1 : v.v;
  if (!Number.isInteger(version) || version < 1) throw new Error(`the link's version ${JSON.stringify(v.v)} is not a version`);
  if (version > LINK_VERSION) {
    throw new Error(`the link is of version ${version}, made by a newer hoplab than this page (version ${LINK_VERSION}); reload the page`);
  }
  return {version, scenario: v.scenario, ui: v.ui && typeof v.ui === 'object' ? v.ui : {}};
}

/**
 * readHash returns the permalink of a location hash, or null when it holds
 * none. A malformed link is reported through onError and ignored; fallback
 * says what the page shows instead (the default preset when it opens, the
 * scenario already on show when the hash changes).
 * @param {string} hash location.hash
 * @param {(msg: string) => void} onError
 */
export function readHash(hash, onError, fallback = 'showing the default preset') {
  const m = /^#s=([A-Za-z0-9_-]+)$/.exec(hash || '');
  if (!m) return null;
  try {
    return decodeLink(m[1]);
  } catch (err) {
    onError(`The link's scenario cannot be read (${err.message}); ${fallback}.`);
    return null;
  }
}

/**
 * showFromLink returns what a link's ui says the panels paint, or null:
 * its show, or for links of earlier versions, which had a basin overlay
 * opacity, 'energy' for opacity 0 and 'both' otherwise.
 * @param {object} ui
 * @param {readonly string[]} modes the valid values of show
 */
export function showFromLink(ui, modes) {
  if (typeof ui.show === 'string') return modes.includes(ui.show) ? ui.show : null;
  if (typeof ui.basinOpacity === 'number' && ui.basinOpacity >= 0 && ui.basinOpacity <= 1) {
    return ui.basinOpacity === 0 ? 'energy' : 'both';
  }
  return null;
}

/** linkPayload is what the link and the exported file carry. */
export function linkPayload(s) {
  const ui = {views: s.server.views, speed: s.server.speed, show: s.ui.show};
  if (s.lesson) ui.lesson = s.lesson;
  return {v: LINK_VERSION, scenario: s.server.scenario, ui};
}

/** hashFor is the hash of the page in state s: the tour's step while it runs, else the permalink. */
export function hashFor(s) {
  if (s.tour !== null && s.tour !== undefined) return `#tour=${s.tour + 1}`;
  return `#s=${encodeLink(linkPayload(s))}`;
}

/**
 * bindPermalink keeps the hash current and wires the copy and export
 * buttons. onLink is called when the user pastes another link into the
 * address bar of this tab.
 * @param {{store: object, onLink: (link: {scenario: object, ui: object}) => void}} deps
 */
export function bindPermalink({store, onLink}) {
  let written = location.hash;
  let timer = 0;

  function write() {
    const s = store.getState();
    if (!s.server) return;
    const hash = hashFor(s);
    if (hash === written) return;
    written = hash;
    history.replaceState(history.state, '', hash);
  }

  store.subscribe((s, prev) => {
    if (!s.server || (s.server === prev.server && s.ui.show === prev.ui.show && s.lesson === prev.lesson && s.tour === prev.tour)) return;
    clearTimeout(timer);
    timer = setTimeout(write, DEBOUNCE_MS);
  });

  addEventListener('hashchange', () => {
    if (location.hash === written) return;
    const link = readHash(location.hash, (message) => store.dispatch({type: 'general-error', message}), 'the scenario on show stays');
    written = location.hash;
    if (link) onLink(link);
  });

  const copy = byTestId('copy-link');
  copy.addEventListener('click', async () => {
    write();
    try {
      await navigator.clipboard.writeText(location.href);
      flash(copy, 'copied');
    } catch {
      // No clipboard (insecure context, or permission refused): show the
      // link so it can be copied by hand.
      store.dispatch({type: 'general-error', message: `Copy this link: ${location.href}`});
    }
  });

  byTestId('export').addEventListener('click', () => {
    const s = store.getState();
    if (!s.server) return;
    const {scenario, ui} = linkPayload(s);
    const blob = new Blob([JSON.stringify({...scenario, ui}, null, 2) + '\n'], {type: 'application/json'});
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `hoplab-scenario-t${s.server.t}.json`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
}

// flash shows a word on a button for a moment.
function flash(btn, word) {
  const old = btn.textContent;
  btn.textContent = word;
  btn.disabled = true;
  setTimeout(() => {
    btn.textContent = old;
    btn.disabled = false;
  }, 1200);
}
