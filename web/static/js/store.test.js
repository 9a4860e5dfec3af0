// Unit tests of store.js (node --test): the store's ordering promises and
// the reducer's handling of actions and server messages. Every state given
// to the reducer is deeply frozen, so a reducer that mutates its input
// fails here (ES modules are strict: writing a frozen object throws).

import assert from 'node:assert/strict';
import {test} from 'node:test';

import {addUnlabeled, createStore, initialState, originEdited, reduce, restoreUnlabeled, scenarioKey} from './store.js';

function deepFreeze(v) {
  if (v && typeof v === 'object' && !Object.isFrozen(v) && !ArrayBuffer.isView(v) && !(v instanceof Map)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze(v[k]);
  }
  return v;
}

// run applies actions in turn to a frozen state and returns every state.
function run(state, ...actions) {
  const states = [deepFreeze(state)];
  for (const a of actions) states.push(deepFreeze(reduce(states.at(-1), a)));
  return states;
}

const last = (states) => states.at(-1);

const stateMsg = (seq, extra = {}) => ({type: 'state', seq, epoch: 1, t: 0, dims: {m: 4, d: 2, k: 2}, ...extra});

test('the initial state waits for the server', () => {
  const s = initialState();
  assert.equal(s.status, 'connecting');
  assert.equal(s.server, null);
  assert.equal(s.frame, null);
  assert.equal(s.probe, null);
  assert.deepEqual(s.errors, {fields: {}, general: null});
  assert.equal(s.metrics.epoch, -1);
  assert.notEqual(initialState(), initialState(), 'a fresh object every time');
});

test('an unknown action is a bug', () => {
  assert.throws(() => reduce(initialState(), {type: 'warp'}), /unknown action warp/);
});

test('status, hello, hover, select and what the panels show', () => {
  const s0 = deepFreeze(initialState());
  assert.equal(reduce(s0, {type: 'status', status: 'connecting'}), s0, 'the same status changes nothing');
  const hello = {limits: {maxBeta: 1e6}, presets: [], defaultPreset: 'clustered'};
  const [, s1, s2, s3, s4] = run(s0, {type: 'status', status: 'live'}, {type: 'hello', hello}, {type: 'hover', hover: {space: 'input', x: 0.5, y: -1}}, {type: 'select', i: 2});
  assert.equal(s1.status, 'live');
  assert.equal(s2.hello, hello);
  assert.deepEqual(s3.ui.hover, {space: 'input', x: 0.5, y: -1});
  assert.equal(s3.ui.selected, null);
  assert.equal(s4.ui.selected, 2);
  assert.equal(s4.ui.hover, s3.ui.hover, 'selecting keeps the hover');
  assert.equal(reduce(s4, {type: 'select', i: 2}), s4, 'selecting the selected memory changes nothing');
  const s5 = reduce(s4, {type: 'hover', hover: null});
  assert.equal(s5.ui.hover, null);
  assert.equal(s5.ui.selected, 2);
  assert.equal(s5.ui.show, 'both', 'basins with contours by default');
  assert.equal(reduce(s5, {type: 'show', value: 'energy'}).ui.show, 'energy');
  assert.equal(reduce(s5, {type: 'show', value: 'heatmap'}), s5, 'an unknown mode changes nothing');
});

test('a state message is kept whole; the selection goes when its memory does', () => {
  const msg = stateMsg(3);
  const [, s1, s2, s3] = run(initialState(), {type: 'select', i: 3}, {type: 'state', msg}, {type: 'state', msg: stateMsg(4, {dims: {m: 3, d: 2, k: 2}})});
  assert.equal(s2.server, msg);
  assert.equal(s2.ui.selected, 3, 'memory 3 of 4 is still there');
  assert.equal(s3.ui.selected, null, 'memory 3 of 3 is gone');
  assert.equal(s1.ui.selected, 3);
});

test('metrics merge across messages and start again with an epoch', () => {
  const m = (epoch, from, loss) => ({type: 'metrics', msg: {epoch, from, loss, deltaMin: loss.map((v) => v && v / 10), minAngleDeg: loss.map((v) => v && v * 10)}});
  const states = run(initialState(),
    m(1, 0, [5, 4]), // t = 0, 1
    m(1, 2, [3]), // appended
    m(1, 1, [4.5, 3.5, 2.5]), // from 1: replaces the tail
    m(1, 5, [1]), // a gap: t = 4 is missing
    m(2, 0, [9]), // a new epoch
    m(2, 1, [null]), // a value that does not exist (M < 2)
  );
  const got = states.slice(1).map((s) => ({epoch: s.metrics.epoch, loss: s.metrics.loss}));
  assert.deepEqual(got, [
    {epoch: 1, loss: [5, 4]},
    {epoch: 1, loss: [5, 4, 3]},
    {epoch: 1, loss: [5, 4.5, 3.5, 2.5]},
    {epoch: 1, loss: [5, 4.5, 3.5, 2.5, null, 1]},
    {epoch: 2, loss: [9]},
    {epoch: 2, loss: [9, null]},
  ]);
  assert.deepEqual(states[4].metrics.deltaMin, [0.5, 0.45, 0.35, 0.25, null, 0.1]);
  assert.deepEqual(states[4].metrics.minAngleDeg, [50, 45, 35, 25, null, 10]);
  // The arrays of earlier states are left as they were.
  assert.deepEqual(states[1].metrics.loss, [5, 4]);
});

test('a metrics message without an array leaves that curve empty from its start', () => {
  const s = reduce(initialState(), {type: 'metrics', msg: {epoch: 1, from: 0, loss: [1]}});
  assert.deepEqual(s.metrics.loss, [1]);
  assert.deepEqual(s.metrics.deltaMin, []);
});

test('frames and drawn frames', () => {
  const frame = {seq: 4, epoch: 1, t: 2, views: [{space: 'input', panels: [{unlabeledFraction: 0.25}]}], separations: ['softmax']};
  const [, s1, s2, s3] = run(initialState(), {type: 'frame', frame}, {type: 'drawn', frame}, {type: 'drawn', frame: {...frame, seq: 5}});
  assert.equal(s1.frame, frame);
  assert.deepEqual(s1.drawn, {frames: 0, seq: 0, frame: null});
  assert.deepEqual(s2.drawn, {frames: 1, seq: 4, frame});
  assert.equal(s3.drawn.frames, 2);
  assert.equal(s3.drawn.seq, 5);
});

test('a server error with a field goes next to that field, otherwise to the general area', () => {
  const s0 = initialState();
  const field = {type: 'error', seq: 5, code: 'invalid_field', field: 'uhop.tau', message: 'τ must be positive'};
  const s1 = last(run(s0, {type: 'server-error', msg: field, name: 'tau'}));
  assert.deepEqual(s1.errors, {fields: {tau: 'τ must be positive'}, general: null});
  assert.deepEqual(s1.lastError, field);
  assert.notEqual(s1.lastError, field, 'lastError is a copy');

  const general = {type: 'error', seq: 6, code: 'not_loaded', message: 'send a load first'};
  const s2 = last(run(s1, {type: 'server-error', msg: general, name: null}));
  assert.deepEqual(s2.errors, {fields: {tau: 'τ must be positive'}, general: {message: 'send a load first', seq: 6}});

  // Without a message the code is shown; without a seq it counts as 0.
  const s3 = reduce(s0, {type: 'server-error', msg: {type: 'error', code: 'internal'}});
  assert.deepEqual(s3.errors.general, {message: 'internal', seq: 0});
});

test('a divergence goes next to its field and to the general area', () => {
  const msg = {type: 'error', seq: 9, code: 'diverged', field: 'uhop.lr', iteration: 12, message: 'U-Hop+ diverged at iteration 12'};
  const s = last(run(initialState(), {type: 'server-error', msg, name: 'lr'}));
  assert.deepEqual(s.errors, {fields: {lr: msg.message}, general: {message: msg.message, seq: 9, code: 'diverged', epoch: null}});
  // Also when no control shows its field.
  const s2 = reduce(initialState(), {type: 'server-error', msg: {...msg, field: 'uhop'}, name: null});
  assert.deepEqual(s2.errors, {fields: {}, general: {message: msg.message, seq: 9, code: 'diverged', epoch: null}});
});

test('a server general error goes away once a later message is applied', () => {
  const err = {type: 'error', seq: 6, code: 'invalid_json', message: 'not JSON'};
  const states = run(initialState(), {type: 'server-error', msg: err}, {type: 'state', msg: stateMsg(6)}, {type: 'state', msg: stateMsg(7)});
  assert.deepEqual(states[2].errors.general, {message: 'not JSON', seq: 6}, 'the state of the same seq does not clear it');
  assert.equal(states[3].errors.general, null, 'a later seq does');
  // A divergence has the seq of the last message applied: the state that
  // follows keeps it.
  const div = {type: 'error', seq: 7, code: 'diverged', field: 'uhop.lr', message: 'diverged'};
  const s = last(run(initialState(), {type: 'state', msg: stateMsg(7)}, {type: 'server-error', msg: div, name: 'lr'}, {type: 'state', msg: stateMsg(7)}));
  assert.deepEqual(s.errors.general, {message: 'diverged', seq: 7, code: 'diverged', epoch: 1});
  assert.equal(s.errors.fields.lr, 'diverged');
});

test('page-side errors stay until dismissed; field errors come and go', () => {
  const states = run(initialState(),
    {type: 'general-error', message: 'The link cannot be read'},
    {type: 'state', msg: stateMsg(100)},
    {type: 'field-error', name: 'beta', message: 'β must be greater than 0.'},
    {type: 'field-error', name: 'tau', message: 'τ is empty; type a number.'},
    {type: 'field-ok', name: 'beta'},
  );
  assert.deepEqual(states[1].errors.general, {message: 'The link cannot be read', seq: Infinity});
  assert.deepEqual(states[2].errors.general, {message: 'The link cannot be read', seq: Infinity}, 'no state clears it');
  assert.deepEqual(states[4].errors.fields, {beta: 'β must be greater than 0.', tau: 'τ is empty; type a number.'});
  assert.deepEqual(states[5].errors.fields, {tau: 'τ is empty; type a number.'});
  assert.equal(reduce(states[5], {type: 'field-ok', name: 'beta'}), states[5], 'clearing a field without an error changes nothing');
  const s = reduce(states[5], {type: 'general-error', message: ''});
  assert.equal(s.errors.general, null, 'an empty message dismisses it');
  assert.deepEqual(reduce(states[0], {type: 'general-error', message: 'x', seq: 3}).errors.general, {message: 'x', seq: 3});
});

test('a preset clears field errors and server errors, not page-side ones', () => {
  const [, , , s3] = run(initialState(),
    {type: 'field-error', name: 'beta', message: 'no'},
    {type: 'select', i: 1},
    {type: 'preset', name: 'clustered'},
  );
  assert.deepEqual(s3.errors, {fields: {}, general: null});
  assert.equal(s3.ui.selected, null, 'a preset clears the selection');
  assert.equal(s3.ui.selected, null);
  const page = reduce(deepFreeze(initialState()), {type: 'general-error', message: 'copy this link'});
  assert.deepEqual(reduce(page, {type: 'preset', name: null}).errors.general, {message: 'copy this link', seq: Infinity});
  const server = reduce(deepFreeze(initialState()), {type: 'server-error', msg: {seq: 2, code: 'internal', message: 'bug'}});
  assert.equal(reduce(server, {type: 'preset', name: 'random'}).errors.general, null);
});

test('probe replies are kept only for the query on show', () => {
  const paths = [{separation: 'softmax', points: [[0, 0]], label: 1}];
  const states = run(initialState(),
    {type: 'probe-request', space: 'input', x: 0.5, y: 0.25, seq: 10},
    {type: 'probe-reply', msg: {type: 'probe', seq: 10, space: 'input', x: 0.5, y: 0.25, paths}},
    {type: 'probe-request', space: 'input', x: 0.5, y: 0.25, seq: 12}, // asked again (a new iteration)
    {type: 'probe-request', space: 'feature', x: 0.5, y: 0.25, seq: 13}, // another query
  );
  assert.deepEqual(states[1].probe, {space: 'input', x: 0.5, y: 0.25, seq: 10, paths: null, replySeq: 0});
  assert.deepEqual(states[2].probe, {space: 'input', x: 0.5, y: 0.25, seq: 10, paths, replySeq: 10});
  assert.deepEqual(states[3].probe, {space: 'input', x: 0.5, y: 0.25, seq: 12, paths, replySeq: 10}, 'the old paths stay until the new reply');
  assert.deepEqual(states[4].probe, {space: 'feature', x: 0.5, y: 0.25, seq: 13, paths: null, replySeq: 0});
  // A late reply to the earlier query is ignored.
  const stale = reduce(states[4], {type: 'probe-reply', msg: {type: 'probe', seq: 12, space: 'input', x: 0.5, y: 0.25, paths}});
  assert.equal(stale, states[4]);
  assert.equal(reduce(initialState(), {type: 'probe-reply', msg: {space: 'input', x: 0, y: 0, paths}}).probe, null, 'no reply without a request');
  assert.equal(reduce(states[4], {type: 'probe-clear'}).probe, null);
});

test('the store tells subscribers of each change, in order, once', () => {
  const store = createStore(initialState(), reduce);
  const seen = [];
  const unsubscribe = store.subscribe((s, prev, a) => {
    seen.push([a.type, prev.status, s.status]);
    // An action dispatched while subscribers are told waits its turn.
    if (a.type === 'status' && s.status === 'live') store.dispatch({type: 'status', status: 'offline'});
  });
  const second = [];
  store.subscribe((s, prev, a) => second.push([a.type, prev.status, s.status]));
  store.dispatch({type: 'status', status: 'live'});
  const want = [
    ['status', 'connecting', 'live'],
    ['status', 'live', 'offline'],
  ];
  assert.deepEqual(seen, want);
  assert.deepEqual(second, want, 'every subscriber sees the changes in order');
  assert.equal(store.getState().status, 'offline');

  store.dispatch({type: 'status', status: 'offline'}); // no change: nobody is told
  assert.equal(seen.length, 2);
  unsubscribe();
  store.dispatch({type: 'status', status: 'live'});
  assert.equal(seen.length, 2);
  assert.equal(second.length, 3);
});

test('a reducer error leaves the store usable', () => {
  const store = createStore(initialState(), reduce);
  assert.throws(() => store.dispatch({type: 'nonsense'}), /unknown action/);
  store.dispatch({type: 'status', status: 'live'});
  assert.equal(store.getState().status, 'live');
});

test('white fractions are kept per map and view, from full-resolution frames only', () => {
  const frame = (t, epoch, coarse) => ({
    t, epoch, coarse, separations: ['softmax', 'entmax15'],
    views: [
      {space: 'input', panels: [{unlabeledFraction: 0.5}, {unlabeledFraction: 0.25}]},
      {space: 'feature', panels: [{unlabeledFraction: 1}, {unlabeledFraction: 0}]},
    ],
  });
  let u = addUnlabeled({epoch: -1, series: {}}, frame(0, 1));
  u = addUnlabeled(u, frame(3, 1));
  assert.deepEqual(Object.keys(u.series).sort(), ['entmax15|feature', 'entmax15|input', 'softmax|feature', 'softmax|input']);
  assert.deepEqual([...u.series['softmax|feature'].entries()], [[0, 1], [3, 1]]);
  assert.equal(addUnlabeled(u, frame(4, 1, true)), u, 'a coarse frame of a drag is not recorded');
  // While playing, a coarse frame's fractions are kept, marked, until a
  // full frame of its iteration replaces them; never over a full one.
  const played = addUnlabeled(u, frame(4, 1, true), true);
  assert.deepEqual([...played.series['softmax|input'].entries()], [[0, 0.5], [3, 0.5], [4, 0.5]]);
  assert.deepEqual([...played.coarse], [4]);
  assert.equal(addUnlabeled(played, frame(3, 1, true), true), played, 'a full fraction is not replaced by a coarse one');
  const coarser = {...frame(4, 1, true), views: [{space: 'input', panels: [{unlabeledFraction: 0.75}, {unlabeledFraction: 0.25}]}]};
  assert.equal(addUnlabeled(played, coarser, true).series['softmax|input'].get(4), 0.75, 'a newer coarse one replaces a coarse one');
  const replaced = addUnlabeled(played, frame(4, 1, false), true);
  assert.deepEqual([...replaced.coarse], [], 'a full frame of the iteration replaces the coarse fractions');
  assert.equal(replaced.series['softmax|input'].get(4), 0.5);
  const fresh = addUnlabeled(u, frame(0, 2));
  assert.deepEqual([...fresh.series['softmax|input'].keys()], [0], 'a new epoch starts again');
});

test('a divergence stays in the general area while its run lasts', () => {
  const st = (seq, epoch) => ({type: 'state', msg: {...stateMsg(seq), epoch}});
  const [, , s2, s3, s4] = run(initialState(),
    st(4, 7),
    {type: 'server-error', msg: {seq: 4, code: 'diverged', field: 'uhop.lr', message: 'U-Hop+ diverged at iteration 104', iteration: 104}, name: 'lr'},
    st(5, 7),
    st(6, 8),
  );
  assert.match(s2.errors.general.message, /diverged/);
  assert.match(s3.errors.general.message, /diverged/, 'a later message of the same run keeps it');
  assert.equal(s4.errors.general, null, 'a new epoch (new training settings) clears it');
});

test('the white-share series start again when the pictures change for another reason than training', () => {
  const sc = (beta) => ({beta, separations: ['softmax'], retrieval: {steps: 5}, view: {grid: {nx: 64}}, memories: [[1, 0]]});
  const frame = {t: 0, epoch: 1, separations: ['softmax'], views: [{space: 'input', panels: [{unlabeledFraction: 0.5}]}]};
  const [, , s2, s3, s4] = run(initialState(),
    {type: 'state', msg: stateMsg(1, {scenario: sc(20)})},
    {type: 'frame', frame},
    {type: 'state', msg: stateMsg(2, {scenario: sc(20), t: 3})},
    {type: 'state', msg: stateMsg(3, {scenario: sc(1000)})},
  );
  assert.equal(Object.keys(s2.unlabeled.series).length, 1);
  assert.equal(s3.unlabeled, s2.unlabeled, 'a new t keeps them');
  assert.deepEqual(s4.unlabeled.series, {}, 'a new β starts them again');
  // Started again, they stay the same object until a frame records one:
  // a drag changes the scenario with every move, and the charts, which
  // compare by identity, are not drawn again for that.
  const [, s5, s6] = run(s4,
    {type: 'state', msg: stateMsg(4, {scenario: {...sc(1000), memories: [[0.9, 0.1]]}})},
    {type: 'state', msg: stateMsg(5, {scenario: {...sc(1000), memories: [[0.8, 0.2]]}})},
  );
  assert.equal(s5.unlabeled, s4.unlabeled);
  assert.equal(s6.unlabeled, s4.unlabeled);
});

test('restoreUnlabeled adds kept shares under the current epoch, the drawn ones winning', () => {
  const kept = {series: {'softmax|input': new Map([[0, 0.5], [1, 0.4], [2, 0.3]]), 'softmax|feature': new Map([[0, 1]])}, coarse: new Set([1, 2])};
  const none = {epoch: -1, series: {}, coarse: new Set()};
  assert.equal(restoreUnlabeled(none, kept), none, 'nothing before a frame of the epoch');
  const cur = {epoch: 7, series: {'softmax|input': new Map([[2, 0.25]])}, coarse: new Set()};
  const got = restoreUnlabeled(cur, kept);
  assert.equal(got.epoch, 7);
  assert.deepEqual([...got.series['softmax|input']].sort(), [[0, 0.5], [1, 0.4], [2, 0.25]]);
  assert.deepEqual([...got.series['softmax|feature']], [[0, 1]]);
  assert.deepEqual([...got.coarse], [1], 'kept coarse iterations stay marked, unless drawn again');
  assert.deepEqual([...cur.series['softmax|input']], [[2, 0.25]], 'the state before is not changed');
  assert.equal(cur.coarse.size, 0);
  const s = reduce({...initialState(), unlabeled: cur}, {type: 'unlabeled-restore', kept});
  assert.deepEqual(s.unlabeled, got);
});

test('lesson and tour: set, cleared, and the same tour step is no change', () => {
  const s0 = initialState();
  assert.equal(s0.lesson, null);
  assert.equal(s0.tour, null);
  const lesson = {hide: ['presets'], lock: []};
  const s1 = reduce(s0, {type: 'lesson', lesson});
  assert.equal(s1.lesson, lesson);
  assert.equal(reduce(s1, {type: 'lesson', lesson: null}).lesson, null);
  const s2 = reduce(s1, {type: 'tour', step: 2});
  assert.equal(s2.tour, 2);
  assert.equal(reduce(s2, {type: 'tour', step: 2}), s2, 'the same step: no new state');
  assert.equal(reduce(s2, {type: 'tour', step: 0}).tour, 0, 'step 0 is a step, not the end');
  assert.equal(reduce(s2, {type: 'tour', step: null}).tour, null);
});

test('origin: where the scenario on show came from, taken when the state that answers its load comes', () => {
  const sc = (beta, t = 0) => ({memories: [[1, 0], [0, 1]], beta, uhop: {iterations: t}});
  const hello = {type: 'state', msg: stateMsg(1, {scenario: sc(20), preset: 'basins'})};
  let s = last(run(initialState(), hello));
  assert.deepEqual(s.origin, {kind: 'preset', name: 'basins', key: null, seq: 0});
  // A file is loaded with message 5: until its answer the origin waits,
  // and states answering earlier messages change nothing.
  const file = {kind: 'file', name: 'm.csv', m: 2, d: 2};
  const states = run(s, {type: 'origin', origin: file, seq: 5}, {type: 'state', msg: stateMsg(4, {scenario: sc(20), preset: 'basins'})}, {type: 'state', msg: stateMsg(5, {scenario: sc(3), preset: null})});
  assert.equal(states[1].origin.prev, s.origin, 'the origin before it waits, in case the load is refused');
  assert.equal(states[2].origin, states[1].origin);
  s = last(states);
  assert.deepEqual(s.origin, {...file, key: scenarioKey(sc(3)), seq: 5});
  assert.equal(originEdited(s.origin, s.server), false);
  // Playing (only the iteration changes) is the same scenario; β changed is not.
  s = last(run(s, {type: 'state', msg: stateMsg(6, {scenario: sc(3, 40), preset: null})}));
  assert.equal(originEdited(s.origin, s.server), false);
  s = last(run(s, {type: 'state', msg: stateMsg(7, {scenario: sc(4, 40), preset: null})}));
  assert.equal(originEdited(s.origin, s.server), true);
  // The same scenario as a preset's: the preset is the origin.
  s = last(run(s, {type: 'origin', origin: {kind: 'link'}, seq: 9}, {type: 'state', msg: stateMsg(9, {scenario: sc(20), preset: 'basins'})}));
  assert.deepEqual(s.origin, {kind: 'preset', name: 'basins', key: null, seq: 9});
  assert.equal(originEdited(s.origin, s.server), false);
  s = last(run(s, {type: 'state', msg: stateMsg(10, {scenario: sc(21), preset: null})}));
  assert.equal(originEdited(s.origin, s.server), true, 'a preset edited');
});

test('origin: a refused load gives the origin before it back; a divergence is no refusal', () => {
  const sc = {memories: [[1, 0]], beta: 2, uhop: {iterations: 0}};
  let s = last(run(initialState(), {type: 'state', msg: stateMsg(1, {scenario: sc, preset: 'basins'})}));
  const before = s.origin;
  s = last(run(s, {type: 'origin', origin: {kind: 'file', name: 'bad.json'}, seq: 3}, {type: 'server-error', msg: {type: 'error', seq: 3, code: 'invalid_field', field: 'beta', message: 'no'}}));
  assert.equal(s.origin, before);
  s = last(run(s, {type: 'origin', origin: {kind: 'file', name: 'far.json'}, seq: 4}, {type: 'server-error', msg: {type: 'error', seq: 4, code: 'diverged', message: 'diverged'}}));
  assert.equal(s.origin.name, 'far.json');
  // An origin that comes with its key (the tour gives one back) keeps it.
  s = last(run(s, {type: 'origin', origin: {kind: 'file', name: 'm.csv', key: 'K'}, seq: 6}, {type: 'state', msg: stateMsg(6, {scenario: sc, preset: null})}));
  assert.deepEqual(s.origin, {kind: 'file', name: 'm.csv', key: 'K', seq: 6});
});

test('a coarse share is never left under a full mark: a full frame of its iteration drops the coarse shares it does not replace', () => {
  const frame = (t, coarse, views) => ({t, epoch: 1, coarse, separations: ['softmax'], views: views.map((space) => ({space, panels: [{unlabeledFraction: space === 'input' ? 0.5 : 0.25}]}))});
  let u = addUnlabeled({epoch: -1, series: {}, coarse: new Set()}, frame(0, false, ['input', 'feature']));
  u = addUnlabeled(u, frame(1, true, ['input', 'feature']), true);
  assert.deepEqual([...u.coarse], [1]);
  // t = 1 drawn in full with the input view alone: its feature share was
  // of the coarse grid, so it goes (the iteration was not drawn in full
  // in that view).
  u = addUnlabeled(u, frame(1, false, ['input']));
  assert.deepEqual([...u.coarse], []);
  assert.equal(u.series['softmax|input'].get(1), 0.5);
  assert.equal(u.series['softmax|feature'].has(1), false);
  assert.equal(u.series['softmax|feature'].get(0), 0.25, 'full shares of other iterations stay');
});

test('restoreUnlabeled does not put kept coarse shares beside full ones of the same iteration', () => {
  const kept = {series: {'softmax|input': new Map([[1, 0.4]]), 'softmax|feature': new Map([[1, 0.9]])}, coarse: new Set([1])};
  const cur = {epoch: 7, series: {'softmax|input': new Map([[1, 0.5]])}, coarse: new Set()};
  const got = restoreUnlabeled(cur, kept);
  assert.deepEqual([...got.series['softmax|input']], [[1, 0.5]]);
  assert.equal(got.series['softmax|feature']?.has(1) ?? false, false, 'the coarse feature share of t = 1 is not marked full');
  assert.deepEqual([...got.coarse], []);
});
