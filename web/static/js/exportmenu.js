// exportmenu.js: the "more exports" menu of the top bar: a PNG of the
// chosen panel or of the whole view (exportpng.js) and the per-iteration
// metrics as CSV (exportcsv.js), with a note saying how many of its lines
// have white shares of the full grid, of a coarser one, or none (frames
// skipped while playing). The menu's element records the last export in
// data-last-export (JSON: kind, name, sizes, the CSV's white sources),
// for tests.

import {byTestId} from './dom.js';
import {metricsCSV, whiteSourceCounts} from './exportcsv.js';
import {composePNG, exportName, exportTargets} from './exportpng.js';

/**
 * download saves blob as a file called name.
 * @param {string} name
 * @param {Blob} blob
 */
export function download(name, blob) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

/**
 * bindExportMenu wires the menu.
 * @param {{store: object}} deps
 */
export function bindExportMenu({store}) {
  const menu = byTestId('exports');
  const target = byTestId('export-png-target');
  let layout = '';

  function record(info) {
    menu.dataset.lastExport = JSON.stringify(info);
  }

  byTestId('export-png').addEventListener('click', async () => {
    const s = store.getState();
    const frame = s.drawn.frame;
    if (!frame || !s.server) return;
    const which = target.value || 'all';
    const pic = composePNG(frame, {show: s.ui.show, optimum: s.server.optimum, probe: s.probe && s.probe.paths ? s.probe : null}, s.server, which);
    const blob = await new Promise((resolve) => pic.canvas.toBlob(resolve, 'image/png'));
    const name = exportName(which, frame);
    download(name, blob);
    record({kind: 'png', name, target: which, t: frame.t, width: pic.width, height: pic.height, pixelWidth: pic.canvas.width, pixelHeight: pic.canvas.height});
  });

  byTestId('export-csv').addEventListener('click', () => {
    const s = store.getState();
    if (!s.server) return;
    const name = `hoplab-metrics-t${s.server.t}.csv`;
    download(name, new Blob([metricsCSV(s.metrics, s.unlabeled, s.server.separations)], {type: 'text/csv'}));
    record({kind: 'csv', name, t: s.server.t, whiteSources: whiteSourceCounts(s.metrics, s.unlabeled)});
  });

  // The note on the CSV's white shares, while the menu is open.
  const note = byTestId('export-csv-note');
  function writeNote() {
    const s = store.getState();
    const text = menu.open && s.server ? whiteNote(whiteSourceCounts(s.metrics, s.unlabeled)) : '';
    if (note.textContent !== text) note.textContent = text;
  }
  menu.addEventListener('toggle', writeNote);
  store.subscribe((s, prev) => {
    if (menu.open && (s.unlabeled !== prev.unlabeled || s.metrics !== prev.metrics)) writeNote();
  });

  // The menu closes on a click elsewhere and on Esc.
  document.addEventListener('click', (ev) => {
    if (menu.open && !menu.contains(ev.target)) menu.open = false;
  });
  menu.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && menu.open) {
      menu.open = false;
      menu.querySelector('summary').focus();
      ev.preventDefault();
    }
  });

  // The choices follow the panels on show.
  store.subscribe((s, prev) => {
    const f = s.drawn.frame;
    if (!f || f === prev.drawn.frame) return;
    const key = `${f.views.map((v) => `${v.space}:${v.panels.length}`).join(',')}|${f.separations.join(',')}`;
    if (key === layout) return;
    layout = key;
    const was = target.value;
    target.replaceChildren(...exportTargets(f).map((o) => new Option(o.label, o.value)));
    if ([...target.options].some((o) => o.value === was)) target.value = was;
  });
}

/**
 * whiteNote says how the metrics CSV's white shares were measured.
 * @param {{full: number, coarse: number, not_rendered: number}} n
 */
export function whiteNote(n) {
  const its = (k) => `${k} iteration${k === 1 ? '' : 's'}`;
  const parts = [`${its(n.full)} on the full grid`];
  if (n.coarse) parts.push(`${its(n.coarse)} on a coarser grid while playing (white_source: coarse)`);
  if (n.not_rendered) parts.push(`${its(n.not_rendered)} not drawn, their frames skipped while playing (not_rendered: empty; step to one to measure it)`);
  return `White shares in the CSV: ${parts.join('; ')}.`;
}
