import {test} from 'node:test';
import assert from 'node:assert/strict';
import {progressView, runJob} from './jobs.js';

// fakeServer answers runJob's requests from a script of replies and
// records them.
function fakeServer(replies) {
  const seen = [];
  const fetch = async (url, init = {}) => {
    seen.push({url, method: init.method || 'GET', body: init.body});
    const [status, body, headers = {}] = replies.shift();
    return {
      status,
      ok: status >= 200 && status < 300,
      headers: {get: (k) => headers[k] ?? null},
      json: async () => body,
    };
  };
  return {fetch, seen};
}

const job = (state, done, total, more = {}) => ({id: 'abc', kind: 'figure', state, progress: {done, total}, ...more});

test('runJob posts the job, polls it and resolves with its result, reporting every state it saw', async () => {
  const {fetch, seen} = fakeServer([
    [202, job('queued', 0, 10)],
    [200, job('running', 4, 10)],
    [200, job('done', 10, 10, {status: 200, result: {figure: 'basins'}})],
  ]);
  const updates = [];
  const slept = [];
  let accepted = null;
  const result = await runJob({
    jobsPath: '/api/v1/jobs', kind: 'figure', request: {figure: 'basins'}, fetch,
    sleep: async (ms) => slept.push(ms), onUpdate: (u) => updates.push(u.state), onAccepted: (id) => (accepted = id), pollMs: 7,
  });
  assert.deepEqual(result, {figure: 'basins'});
  assert.deepEqual(updates, ['queued', 'running', 'done']);
  assert.equal(accepted, 'abc');
  assert.deepEqual(slept, [7, 7]);
  assert.deepEqual(seen.map((s) => `${s.method} ${s.url}`), ['POST /api/v1/jobs', 'GET /api/v1/jobs/abc', 'GET /api/v1/jobs/abc']);
  assert.deepEqual(JSON.parse(seen[0].body), {kind: 'figure', request: {figure: 'basins'}});
});

test('runJob posts again after Retry-After while the server is busy', async () => {
  const {fetch} = fakeServer([
    [503, {error: {code: 'busy', message: 'your address has 4 jobs'}}, {'Retry-After': '2'}],
    [202, job('done', 1, 1, {status: 200})],
    [200, job('done', 1, 1, {status: 200, result: 7})],
  ]);
  const updates = [];
  const slept = [];
  const r = await runJob({jobsPath: '/j', kind: 'figure', request: {}, fetch, sleep: async (ms) => slept.push(ms), onUpdate: (u) => updates.push(u.state)});
  assert.equal(r, 7);
  assert.deepEqual(updates, ['busy', 'done']);
  assert.deepEqual(slept, [2000]);
});

test('runJob rejects with the server\'s message: a refused request, a failed job', async () => {
  const refused = fakeServer([[400, {error: {code: 'invalid_field', message: 'unknown figure "x"', field: 'figure'}}]]);
  await assert.rejects(runJob({jobsPath: '/j', kind: 'figure', request: {}, fetch: refused.fetch, sleep: async () => {}}), /unknown figure "x" \(400 invalid_field\)/);
  const failed = fakeServer([[202, job('running', 0, 3)], [200, job('failed', 1, 3, {error: {code: 'timeout', message: 'the job took longer than 10m0s'}})]]);
  await assert.rejects(runJob({jobsPath: '/j', kind: 'figure', request: {}, fetch: failed.fetch, sleep: async () => {}}), /took longer/);
  const gone = fakeServer([[202, job('queued', 0, 3)], [404, {error: {code: 'job_not_found', message: 'no such job'}}]]);
  await assert.rejects(runJob({jobsPath: '/j', kind: 'figure', request: {}, fetch: gone.fetch, sleep: async () => {}}), /no such job/);
});

test('progressView: the bar and the words of each state', () => {
  assert.deepEqual(progressView(job('queued', 0, 12)), {fraction: 0, text: 'queued: waiting for a place (0 of 12 chunks)', state: 'queued'});
  assert.deepEqual(progressView(job('running', 3, 12)), {fraction: 0.25, text: 'computing: 3 of 12 chunks', state: 'running'});
  assert.deepEqual(progressView(job('done', 12, 12), [{state: 'queued'}]), {fraction: 1, text: 'computed: 12 of 12 chunks', state: 'done'});
  assert.deepEqual(progressView(job('done', 12, 12), [{state: 'busy'}]), {fraction: 1, text: 'computed before: the server\'s copy (12 chunks)', state: 'done'});
  // One chunk (prop31): singular.
  assert.equal(progressView(job('done', 1, 1), [{state: 'busy'}]).text, 'computed before: the server\'s copy (1 chunk)');
  assert.equal(progressView(job('done', 1, 1), [{state: 'running'}]).text, 'computed: 1 of 1 chunk');
  assert.equal(progressView(job('running', 0, 1)).text, 'computing: 0 of 1 chunk');
  assert.equal(progressView(job('queued', 0, 1)).text, 'queued: waiting for a place (0 of 1 chunk)');
  assert.equal(progressView({state: 'busy', message: 'm'}).fraction, null);
});

test('runJob: a job accepted done (a figure computed before) is read once for its result, without waiting', async () => {
  const {fetch, seen} = fakeServer([
    [202, job('done', 202, 202, {status: 200})],
    [200, job('done', 202, 202, {status: 200, result: {figure: 'basins'}})],
  ]);
  const updates = [];
  const slept = [];
  const result = await runJob({jobsPath: '/api/v1/jobs', kind: 'figure', request: {figure: 'basins'}, fetch,
    sleep: async (ms) => slept.push(ms), onUpdate: (u) => updates.push(`${u.state} ${u.progress.done}/${u.progress.total}`)});
  assert.deepEqual(result, {figure: 'basins'});
  assert.deepEqual(updates, ['done 202/202']);
  assert.deepEqual(slept, []);
  assert.deepEqual(seen.map((s) => `${s.method} ${s.url}`), ['POST /api/v1/jobs', 'GET /api/v1/jobs/abc']);
});

test('cancelJob deletes the job and resolves with it; a cancelled job rejects runJob with err.cancelled; errors carry the field', async () => {
  const {cancelJob} = await import('./jobs.js');
  const {fetch, seen} = fakeServer([[200, job('cancelled', 3, 10)]]);
  assert.equal((await cancelJob({jobsPath: '/api/v1/jobs', id: 'abc', fetch})).state, 'cancelled');
  assert.deepEqual(seen.map((s) => `${s.method} ${s.url}`), ['DELETE /api/v1/jobs/abc']);

  const run = fakeServer([[202, job('running', 1, 10)], [200, job('cancelled', 3, 10)]]);
  await assert.rejects(runJob({jobsPath: '/j', kind: 'capacity', request: {}, fetch: run.fetch, sleep: async () => {}}), (err) => err.cancelled === true);

  const bad = fakeServer([[400, {error: {code: 'limit_exceeded', message: 'Q too large', field: 'queries.gaussian.count'}}]]);
  await assert.rejects(runJob({jobsPath: '/j', kind: 'capacity', request: {}, fetch: bad.fetch}), (err) => err.field === 'queries.gaussian.count' && err.message === 'Q too large (400 limit_exceeded)' && !err.cancelled);
  assert.deepEqual(progressView({state: 'cancelled', progress: {done: 3, total: 10}}), {fraction: 0.3, text: 'cancelled after 3 of 10 chunks', state: 'cancelled'});
});
