// main.js: the live explorer's entry point. It makes the store, opens the
// session and wires every part of the page to them:
//
//   websocket messages ─┐
//   controls, keys,     ├─→ actions ─→ store (reduce) ─→ subscribers draw
//   panel pointer events┘      │
//                              └─→ protocol messages to the session
//
// Nothing but the reducer changes the state, and nothing but the
// subscribers touch the DOM after start-up.

import {bindCharts} from './charts.js';
import {bindComputing} from './computing.js';
import {createConnection, PROTOCOL} from './connection.js';
import {byTestId} from './dom.js';
import {createEditing} from './editing.js';
import {bindErrors} from './errors.js';
import {bindExportMenu} from './exportmenu.js';
import {controlFor} from './fields.js';
import {bindInspector} from './inspector.js';
import {bindPanelKeys} from './kbdmemory.js';
import {bindKeyboard} from './keyboard.js';
import {bindImporter} from './importer.js';
import {bindLesson, blocks, gateActions, lessonProblems, parseLesson} from './lesson.js';
import {bindLiveRegion} from './liveregion.js';
import {bindPanels} from './panels.js';
import {bindParams} from './params.js';
import {bindPermalink, readHash, showFromLink} from './permalink.js';
import {bindPresentation} from './presentation.js';
import {bindPresets} from './presets.js';
import {createStore, initialState, reduce, SHOW_MODES} from './store.js';
import {installTestHook} from './testhook.js';
import {createTimeline} from './timeline.js';
import {bindTour} from './tour.js';
import {bindTheme} from './theme.js';
import {bindTransport} from './transport.js';

function start() {
  bindTheme();
  const store = createStore(initialState(), reduce);
  const {dispatch, getState} = store;

  // The permalink this page was opened with, read once; its page-only
  // settings apply at once.
  const link = readHash(location.hash, (message) => dispatch({type: 'general-error', message}));
  // A lesson a link carries, and what of it could not be read: a teacher's
  // typo is said, not silently left unlocked.
  const applyLesson = (ui) => {
    dispatch({type: 'lesson', lesson: parseLesson(ui.lesson)});
    const problems = lessonProblems(ui.lesson);
    if (problems) dispatch({type: 'general-error', message: `The link's lesson was read in part (${problems}); what it names rightly is hidden or locked. docs/lessons.md lists the names.`});
  };
  if (link) {
    const show = showFromLink(link.ui, SHOW_MODES);
    if (show) dispatch({type: 'show', value: show});
    applyLesson(link.ui);
  }

  const conn = createConnection({
    path: document.body.dataset.livePath,
    store,
    initial: () => link,
    fieldOf: (msg) => controlFor(msg.field),
  });
  const send = conn.send;

  const timeline = createTimeline();
  const editing = createEditing({store, send, timeline});
  const server = () => getState().server;

  // actions are the page's commands, shared by buttons and keys; those of
  // the controls a lesson link sets aside do nothing (lesson.js).
  const actions = gateActions({
    togglePlay: () => server() && send({type: server().playing ? 'pause' : 'play'}),
    step: () => server() && send({type: 'step'}),
    back: () => server() && server().t > 0 && send({type: 'back'}),
    reset: () => server() && send({type: 'reset'}),
    reseed: () => server() && send({type: 'reseed'}),
    speed: (v) => server() && v !== server().speed && send({type: 'speed', itersPerSecond: v}),
    goto: (t) => server() && t !== server().t && send({type: 'goto', t}),
    preset(name, seed) {
      send(seed === undefined ? {type: 'preset', name} : {type: 'preset', name, seed});
      dispatch({type: 'preset', name});
    },
    load(l) {
      const seq = send({type: 'load', protocol: PROTOCOL, scenario: l.scenario});
      if (seq) dispatch({type: 'origin', origin: {kind: 'link'}, seq});
      if (Array.isArray(l.ui.views) && l.ui.views.length) send({type: 'views', views: l.ui.views});
      if (typeof l.ui.speed === 'number') send({type: 'speed', itersPerSecond: l.ui.speed});
      dispatch({type: 'preset', name: null});
    },
    removeSelected: () => editing.removeSelected(),
    clearProbe: () => editing.clearProbe(),
  }, () => getState().lesson);

  const presentation = bindPresentation({store, actions});
  actions.togglePresent = presentation.toggle;
  actions.leavePresent = presentation.leave;
  actions.fullScreen = presentation.fullScreen;

  bindErrors(store);
  bindTransport({store, actions});
  bindComputing({store});
  bindParams({store, send});
  bindPresets({store, actions});
  bindKeyboard(actions);
  // Keys on a focused panel go the panels' pointer events' way (editing.js).
  // A lesson that sets memories or probes aside stops those edits, by key
  // or by pointer, before editing sees them (lesson.js also stops the
  // pointer's gestures at the canvas).
  const edit = (ev) => {
    const lesson = getState().lesson;
    if (['move', 'add', 'remove'].includes(ev.type) && blocks(lesson, 'memories')) return;
    if (ev.type === 'probe' && blocks(lesson, 'probe')) return;
    editing.onPanelEvent(ev);
  };
  const panelKeys = bindPanelKeys({store, onPanelEvent: edit});
  const onPanelEvent = (ev) => {
    panelKeys.pointerEvent(ev);
    edit(ev);
  };
  const panels = bindPanels({store, onPanelEvent, timeline, onPainted: conn.painted});
  bindInspector({store, actions});
  bindCharts({store});
  bindLiveRegion({store});
  bindPermalink({
    store,
    onLink(l) {
      actions.load(l);
      const show = showFromLink(l.ui, SHOW_MODES);
      if (show) dispatch({type: 'show', value: show});
      applyLesson(l.ui);
    },
  });
  bindLesson({store});
  bindTour({store, send});
  bindExportMenu({store});
  bindImporter({store, send, blocked: () => blocks(getState().lesson, 'files')});
  installTestHook({store, timeline, toClient: panels.toClient, toClientIn: panels.toClientIn});

  // The status light.
  const status = byTestId('status');
  const words = {connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', offline: 'offline'};
  store.subscribe((s, prev) => {
    if (s.status === prev.status) return;
    status.textContent = words[s.status] || s.status;
    status.dataset.status = s.status;
  });
}

start();
