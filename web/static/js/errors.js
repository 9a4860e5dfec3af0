// errors.js: shows refused values. A field error sits next to its control
// (the slot data-error-for=name, data-testid "param-error"): the control
// gets aria-invalid="true" and a red outline. Other errors go to the
// general area (data-testid "error"), which has a dismiss button.

import {byTestId} from './dom.js';

/**
 * bindErrors draws state.errors whenever it changes.
 * @param {{subscribe: Function, getState: Function}} store
 */
export function bindErrors(store) {
  const general = byTestId('error');
  const box = byTestId('error-box');
  byTestId('error-dismiss').addEventListener('click', () => store.dispatch({type: 'general-error', message: null}));
  const slots = [...document.querySelectorAll('[data-error-for]')];

  function show(s, prev) {
    if (prev && s.errors === prev.errors) return;
    const {fields} = s.errors;
    for (const slot of slots) {
      const name = slot.dataset.errorFor;
      const msg = fields[name] || '';
      slot.textContent = msg;
      const field = slot.closest('.field');
      field.classList.toggle('invalid', msg !== '');
      for (const ctl of field.querySelectorAll('input, select')) {
        if (msg) ctl.setAttribute('aria-invalid', 'true');
        else ctl.removeAttribute('aria-invalid');
      }
    }
    general.textContent = s.errors.general ? s.errors.general.message : '';
    box.hidden = !s.errors.general;
  }

  store.subscribe(show);
  show(store.getState(), null);
}
