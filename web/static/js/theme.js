// theme.js: the light and the dark theme of every page. Without a choice
// the page follows the system (prefers-color-scheme, theme.css); the
// toggle button makes a choice, which localStorage keeps for every page
// of the site. The choice is written as <html data-theme="light|dark">;
// theme.css holds the colours. Whenever the theme on show changes, the
// document gets a THEME_EVENT, so that pictures drawn on canvases with
// the page's colours (tick labels, chart axes) are drawn again.

/** The localStorage key of the chosen theme. */
export const STORAGE_KEY = 'hoplab-theme';

/** The event the document gets when the theme on show changes; detail: {theme}. */
export const THEME_EVENT = 'hoplab-theme';

const THEMES = ['light', 'dark'];

/**
 * readChoice returns the theme chosen before ('light' or 'dark'), or null
 * for none (or when storage cannot be read).
 * @param {{getItem: (k: string) => string|null}|null} storage
 */
export function readChoice(storage) {
  try {
    const v = storage ? storage.getItem(STORAGE_KEY) : null;
    return THEMES.includes(v) ? v : null;
  } catch {
    return null; // storage refused (privacy settings): follow the system
  }
}

/**
 * themeOnShow is the theme a page shows: the choice, else the system's.
 * @param {string|null} choice
 * @param {boolean} systemDark prefers-color-scheme: dark
 */
export function themeOnShow(choice, systemDark) {
  return choice || (systemDark ? 'dark' : 'light');
}

/**
 * toggled is the choice the toggle makes: the other theme than the one on
 * show. Choosing the system's own theme clears the choice, so the page
 * follows the system again.
 * @param {string} onShow
 * @param {boolean} systemDark
 * @returns {string|null} the new choice, null for none
 */
export function toggled(onShow, systemDark) {
  const next = onShow === 'dark' ? 'light' : 'dark';
  return next === (systemDark ? 'dark' : 'light') ? null : next;
}

/**
 * bindTheme applies the stored choice to the document and wires the
 * toggle buttons ([data-testid="theme-toggle"]): each is labelled with
 * what pressing it does, "dark theme" while the light one is on show and
 * "light theme" while the dark one is, whether that came from a choice or
 * from the system; its accessible name is "Switch to the … theme".
 * @param {{doc?: Document, storage?: Storage|null, media?: MediaQueryList|null,
 *   win?: EventTarget}} [deps] win gets the storage events of other tabs
 * @returns {{theme: () => string}} the theme on show
 */
export function bindTheme({doc = document, storage = safeStorage(), media = matchMedia('(prefers-color-scheme: dark)'), win = globalThis} = {}) {
  const root = doc.documentElement;
  let choice = readChoice(storage);
  let shown = '';
  const buttons = [...doc.querySelectorAll('[data-testid="theme-toggle"]')];

  function apply() {
    if (choice) root.dataset.theme = choice;
    else delete root.dataset.theme;
    const theme = themeOnShow(choice, Boolean(media && media.matches));
    // The button says what pressing it does, in its label and its name
    // (the name holds the label, as speech input needs); a name that
    // changes with the state must not also be a pressed state.
    const next = theme === 'dark' ? 'light' : 'dark';
    for (const b of buttons) {
      b.textContent = `${next} theme`;
      b.setAttribute('aria-label', `Switch to the ${next} theme`);
      b.removeAttribute('aria-pressed');
      b.title = `Switch to the ${next} theme.`;
    }
    if (theme !== shown) {
      const first = shown === '';
      shown = theme;
      if (!first) doc.dispatchEvent(new CustomEvent(THEME_EVENT, {detail: {theme}}));
    }
  }

  for (const b of buttons) {
    b.addEventListener('click', () => {
      choice = toggled(shown, Boolean(media && media.matches));
      try {
        if (choice) storage.setItem(STORAGE_KEY, choice);
        else storage.removeItem(STORAGE_KEY);
      } catch {
        // Not kept: this page still shows it.
      }
      apply();
    });
  }
  if (media) media.addEventListener('change', apply);
  // Another tab of the site chose.
  win.addEventListener('storage', (ev) => {
    if (ev.key !== STORAGE_KEY && ev.key !== null) return;
    choice = readChoice(storage);
    apply();
  });
  apply();
  return {theme: () => shown};
}

function safeStorage() {
  try {
    return localStorage;
  } catch {
    return null;
  }
}
