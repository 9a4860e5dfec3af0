// presets.js: one button per preset of the server's `hello`; the random
// preset takes its seed from the seed box next to the buttons.

import {byTestId, h} from './dom.js';
import {checkNumber} from './fields.js';

/**
 * bindPresets builds the preset buttons once the server has said hello.
 * @param {{store: object, actions: object}} deps
 */
export function bindPresets({store, actions}) {
  const box = byTestId('presets');
  const seed = byTestId('preset-seed');
  let built = null; // the hello the buttons were built from

  function choose(name) {
    let s;
    if (name === 'random') {
      const r = checkNumber('seed', seed.value, store.getState().hello?.limits);
      if (r.error) {
        store.dispatch({type: 'field-error', name: 'seed', message: r.error});
        seed.focus();
        return;
      }
      store.dispatch({type: 'field-ok', name: 'seed'});
      s = r.value;
    }
    actions.preset(name, s);
  }

  function show(st, prev) {
    if (st.hello && st.hello !== built) {
      built = st.hello;
      box.replaceChildren(
        ...(st.hello.presets || []).map((p) => {
          const id = `help-preset-${p.name}`;
          const desc = p.description || p.title || p.name;
          const btn = h('button', {type: 'button', class: 'preset ctl', 'data-testid': `preset-${p.name}`, 'data-preset': p.name, title: desc, 'aria-describedby': id}, p.title || p.name);
          btn.addEventListener('click', () => choose(p.name));
          return h('span', {class: 'tip-wrap'}, btn, h('span', {class: 'help', id, role: 'tooltip'}, desc));
        }),
      );
    }
    if (prev && st.ui.activePreset === prev.ui.activePreset && st.status === prev.status && st.hello === prev.hello) return;
    for (const btn of box.querySelectorAll('button')) {
      btn.classList.toggle('active', btn.dataset.preset === st.ui.activePreset);
      btn.setAttribute('aria-pressed', String(btn.dataset.preset === st.ui.activePreset));
      btn.disabled = st.status !== 'live';
    }
  }
  store.subscribe(show);
  show(store.getState(), null);
}
