import assert from 'node:assert/strict';
import {test} from 'node:test';
import {bindTheme, readChoice, STORAGE_KEY, THEME_EVENT, themeOnShow, toggled} from './theme.js';

function memoryStorage(init = {}) {
  const m = new Map(Object.entries(init));
  return {
    getItem: (k) => (m.has(k) ? m.get(k) : null),
    setItem: (k, v) => m.set(k, String(v)),
    removeItem: (k) => m.delete(k),
    map: m,
  };
}

test('readChoice takes only light or dark, and survives a storage that throws', () => {
  assert.equal(readChoice(memoryStorage({[STORAGE_KEY]: 'dark'})), 'dark');
  assert.equal(readChoice(memoryStorage({[STORAGE_KEY]: 'light'})), 'light');
  assert.equal(readChoice(memoryStorage({[STORAGE_KEY]: 'sepia'})), null);
  assert.equal(readChoice(memoryStorage()), null);
  assert.equal(readChoice(null), null);
  assert.equal(readChoice({getItem() { throw new Error('denied'); }}), null);
});

test('themeOnShow: the choice wins, else the system', () => {
  assert.equal(themeOnShow(null, true), 'dark');
  assert.equal(themeOnShow(null, false), 'light');
  assert.equal(themeOnShow('light', true), 'light');
  assert.equal(themeOnShow('dark', false), 'dark');
});

test('toggled chooses the other theme, or none when that is the system one', () => {
  assert.equal(toggled('light', false), 'dark');
  assert.equal(toggled('dark', false), null);
  assert.equal(toggled('dark', true), 'light');
  assert.equal(toggled('light', true), null);
});

// says asserts that the toggle's label and accessible name say what
// pressing it does: switch to the theme next, and that it is no
// toggle-button with a state (its name changes instead).
function says(button, next) {
  assert.equal(button.textContent, `${next} theme`);
  assert.equal(button.attrs['aria-label'], `Switch to the ${next} theme`);
  assert.equal(button.attrs['aria-pressed'], undefined);
  assert.equal(button.title, `Switch to the ${next} theme.`);
}

// A document with one toggle button, enough for bindTheme.
function fakePage() {
  const doc = new EventTarget();
  doc.documentElement = {dataset: {}};
  const button = new EventTarget();
  button.attrs = {};
  button.setAttribute = (k, v) => (button.attrs[k] = v);
  button.removeAttribute = (k) => delete button.attrs[k];
  button.textContent = 'theme';
  doc.querySelectorAll = (sel) => (sel === '[data-testid="theme-toggle"]' ? [button] : []);
  const media = new EventTarget();
  media.matches = false;
  return {doc, button, media, win: new EventTarget()};
}

test('bindTheme applies the stored choice and the toggle flips, keeps and announces it', () => {
  const {doc, button, media, win} = fakePage();
  const storage = memoryStorage({[STORAGE_KEY]: 'dark'});
  const events = [];
  doc.addEventListener(THEME_EVENT, (ev) => events.push(ev.detail.theme));
  const t = bindTheme({doc, storage, media, win});
  assert.equal(doc.documentElement.dataset.theme, 'dark');
  says(button, 'light');
  assert.equal(t.theme(), 'dark');
  assert.deepEqual(events, [], 'no event for the first theme');

  button.dispatchEvent(new Event('click'));
  // Light is the system's theme: the choice is cleared, the system followed.
  assert.equal(t.theme(), 'light');
  assert.equal(doc.documentElement.dataset.theme, undefined);
  assert.equal(storage.getItem(STORAGE_KEY), null);
  says(button, 'dark');
  assert.deepEqual(events, ['light']);

  button.dispatchEvent(new Event('click'));
  assert.equal(storage.getItem(STORAGE_KEY), 'dark');
  assert.equal(doc.documentElement.dataset.theme, 'dark');
  assert.deepEqual(events, ['light', 'dark']);
});

test('bindTheme follows the system while nothing is chosen', () => {
  const {doc, button, media, win} = fakePage();
  const events = [];
  doc.addEventListener(THEME_EVENT, (ev) => events.push(ev.detail.theme));
  const t = bindTheme({doc, storage: memoryStorage(), media, win});
  assert.equal(t.theme(), 'light');
  says(button, 'dark');
  media.matches = true;
  media.dispatchEvent(new Event('change'));
  assert.equal(t.theme(), 'dark');
  says(button, 'light');
  assert.equal(doc.documentElement.dataset.theme, undefined, 'following, not choosing');
  assert.deepEqual(events, ['dark']);
});
