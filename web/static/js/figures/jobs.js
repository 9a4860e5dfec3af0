// jobs.js: runs a request as a background job of the server and follows
// it (docs/api.md, "Jobs"): POST /api/v1/jobs, then GET /api/v1/jobs/{id}
// until the job ends. The network and the clock are passed in, so the
// module is tested with node --test.

/** The states in which a job has ended. */
const ENDED = new Set(['done', 'failed', 'cancelled']);

/** How often a running job is asked for its progress. */
export const POLL_MS = 120;

/** How often a refused job (503 busy) is posted again before giving up. */
export const BUSY_RETRIES = 60;

/**
 * runJob posts {kind, request} as a job and polls it until it ends.
 *
 * onUpdate gets what the page may show, in order: {state: 'busy',
 * message} while the server refuses the job for now (503 busy: it is
 * posted again after Retry-After), then the job itself each time it is
 * read ({id, state, progress: {done, total}, …}). onAccepted gets the job's
 * id once it is accepted (to cancel it). A job accepted done (its answer
 * known to the server already) is read once more for its result, which
 * the 202 answer does not carry. Resolves with the job's result;
 * rejects with an Error whose message is the server's.
 *
 * @param {{jobsPath: string, kind: string, request: object,
 *   onUpdate?: (u: object) => void, onAccepted?: (id: string) => void,
 *   fetch?: typeof fetch, sleep?: (ms: number) => Promise<void>, pollMs?: number}} opts
 */
export async function runJob({jobsPath, kind, request, onUpdate = () => {}, onAccepted = () => {}, fetch = globalThis.fetch, sleep = wait, pollMs = POLL_MS}) {
  let job;
  for (let attempt = 0; ; attempt++) {
    const r = await fetch(jobsPath, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({kind, request})});
    const body = await readJSON(r);
    if (r.status === 202) {
      job = body;
      break;
    }
    if (r.status === 503 && body?.error?.code === 'busy' && attempt < BUSY_RETRIES) {
      onUpdate({state: 'busy', message: body.error.message});
      await sleep(retryAfterMs(r));
      continue;
    }
    throw apiError(r, body);
  }
  onAccepted(job.id);
  onUpdate(job);
  while (!ENDED.has(job.state)) {
    await sleep(pollMs);
    job = await getJob(fetch, jobsPath, job.id);
    onUpdate(job);
  }
  if (job.state === 'done' && !('result' in job)) {
    // Accepted done (a figure the server had computed before): the 202
    // answer has no result; GET has it.
    job = await getJob(fetch, jobsPath, job.id);
  }
  if (job.state === 'done' && job.status === 200) return job.result;
  if (job.state === 'failed') throw new Error(job.error?.message || 'the job failed');
  if (job.state === 'cancelled') throw Object.assign(new Error('the job was cancelled'), {cancelled: true});
  throw new Error(job.result?.error?.message || `the job ended with status ${job.status}`);
}

// getJob reads the job id as it is now.
async function getJob(fetch, jobsPath, id) {
  const r = await fetch(`${jobsPath}/${id}`, {cache: 'no-store'});
  const body = await readJSON(r);
  if (!r.ok) throw apiError(r, body);
  return body;
}

/** wait resolves after ms milliseconds. */
function wait(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// retryAfterMs reads Retry-After (seconds), 1 s by default, at most 10 s.
function retryAfterMs(r) {
  const s = Number(r.headers.get('Retry-After'));
  return 1000 * (Number.isFinite(s) && s > 0 ? Math.min(s, 10) : 1);
}

async function readJSON(r) {
  try {
    return await r.json();
  } catch {
    return null;
  }
}

function apiError(r, body) {
  const e = body?.error;
  const err = new Error(e?.message ? `${e.message} (${r.status} ${e.code})` : `the server answered ${r.status}`);
  err.status = r.status;
  err.code = e?.code;
  err.field = e?.field;
  return err;
}

/**
 * cancelJob asks the server to cancel job id (DELETE /api/v1/jobs/{id})
 * and resolves with the job as the server then shows it: `cancelled`
 * once its running chunks have returned, or as it ended if it ended
 * first. Rejects with the server's error.
 * @param {{jobsPath: string, id: string, fetch?: typeof fetch}} opts
 */
export async function cancelJob({jobsPath, id, fetch = globalThis.fetch}) {
  const r = await fetch(`${jobsPath}/${id}`, {method: 'DELETE'});
  const body = await readJSON(r);
  if (!r.ok) throw apiError(r, body);
  return body;
}

// chunks writes a number of chunks: "1 chunk", "12 chunks".
function chunks(n) {
  return `${n} ${n === 1 ? 'chunk' : 'chunks'}`;
}

/**
 * progressView says what a job update looks like on the page: a fraction
 * for the bar (null: indeterminate), a short text and its state. seen
 * are the updates shown before it: a job done without ever being seen
 * queued or running was accepted done, answered from the server's copy.
 * @param {object} u an update of runJob
 * @param {{state: string}[]} [seen]
 * @returns {{fraction: number|null, text: string, state: string}}
 */
export function progressView(u, seen = []) {
  const done = u.progress?.done ?? 0;
  const total = u.progress?.total ?? 0;
  const fraction = total > 0 ? Math.min(1, done / total) : null;
  switch (u.state) {
    case 'busy':
      return {fraction: null, text: `the server is busy; trying again (${u.message})`, state: 'busy'};
    case 'queued':
      return {fraction: 0, text: `queued: waiting for a place (0 of ${chunks(total)})`, state: 'queued'};
    case 'running':
      return {fraction, text: `computing: ${done} of ${chunks(total)}`, state: 'running'};
    case 'done':
      if (!seen.some((e) => e.state === 'queued' || e.state === 'running')) {
        return {fraction: 1, text: `computed before: the server's copy (${chunks(total)})`, state: 'done'};
      }
      return {fraction: 1, text: `computed: ${total} of ${chunks(total)}`, state: 'done'};
    case 'cancelled':
      return {fraction, text: `cancelled after ${done} of ${chunks(total)}`, state: 'cancelled'};
    default:
      return {fraction, text: u.state, state: u.state};
  }
}
