// keyboard.js: page shortcuts. Space plays or pauses, → steps, ← goes
// back, r resets, Delete or Backspace removes the selected memory, p
// enters or leaves presentation mode, f goes full screen, Esc leaves
// presentation mode. (Keys on a focused panel are kbdmemory.js's.) Keys
// typed into a text box, a drop-down, a slider or a check box are theirs,
// not the page's; with Ctrl, Alt or Meta held the browser keeps them.

import {isTyping} from './dom.js';

/**
 * bindKeyboard listens for shortcuts on the document.
 * @param {object} actions the page's commands (main.js)
 */
export function bindKeyboard(actions) {
  document.addEventListener('keydown', (ev) => {
    if (ev.defaultPrevented || ev.ctrlKey || ev.altKey || ev.metaKey) return;
    if (isTyping(ev.target)) return;
    let done = true;
    switch (ev.key) {
      case ' ':
        if (ev.repeat) break;
        actions.togglePlay();
        break;
      case 'ArrowRight':
        actions.step();
        break;
      case 'ArrowLeft':
        actions.back();
        break;
      case 'r':
      case 'R':
        if (ev.shiftKey || ev.repeat) done = false;
        else actions.reset();
        break;
      case 'p':
      case 'P':
        if (ev.shiftKey || ev.repeat) done = false;
        else actions.togglePresent();
        break;
      case 'f':
      case 'F':
        if (ev.shiftKey || ev.repeat) done = false;
        else actions.fullScreen();
        break;
      case 'Escape':
        done = actions.leavePresent();
        break;
      case 'Delete':
      case 'Backspace':
        done = actions.removeSelected();
        break;
      default:
        done = false;
    }
    // Space on a focused button would also click it: the shortcut wins.
    if (done) ev.preventDefault();
  });
}
