// The read path (src/upstream/reads.ts) and the steps of a call (src/upstream/policies.ts), each alone:
// what is kept under which key, what a write drops, and what each step does to an attempt.
import { describe, expect, it, vi } from 'vitest';
import { UpstreamError } from '../../src/upstream/errors.js';
import { FREE, authenticating, pipeline, retrying, type Attempt, type Call, type CallLimits } from '../../src/upstream/policies.js';
import { EVERYTHING, MemoryReadCache, RequestReads, SharedReads, reach, readKey, related } from '../../src/upstream/reads.js';
import { NO_TELEMETRY } from '../../src/upstream/telemetry.js';
import type { Credentials } from '../../src/upstream/auth.js';
import type { Logger } from '../../src/logger.js';

const OK = { status: 200, body: { ok: true } };
const WALLBOX = '/org/o/users/u/wallboxes/w';

describe('what a write invalidates (one rule)', () => {
  it('the same resource, those above the write and those below it; nothing else', () => {
    expect(related(WALLBOX, WALLBOX)).toBe(true);
    expect(related(WALLBOX, `${WALLBOX}/boost`)).toBe(true); // a boost changes its wallbox
    expect(related(`${WALLBOX}/sessions`, WALLBOX)).toBe(true);
    expect(related('/org/o/users/u', WALLBOX)).toBe(true);
    expect(related('/org/o/users/u2', '/org/o/users/u')).toBe(false);
    expect(related('/org/o/users/uu', '/org/o/users/u')).toBe(false);
    expect(related('/anything', EVERYTHING)).toBe(true);
  });

  it('names the same reads as keys for a store that cannot test every key (Redis)', () => {
    expect(reach(`${WALLBOX}/boost`)).toEqual({ exact: ['/org', '/org/o', '/org/o/users', '/org/o/users/u', '/org/o/users/u/wallboxes', WALLBOX, `${WALLBOX}/boost`], below: `${WALLBOX}/boost/` });
    expect(reach(EVERYTHING)).toBe(EVERYTHING);
  });

  it('keys a GET by its path and query as sent', () => {
    expect(readKey(WALLBOX)).toBe(WALLBOX);
    expect(readKey(WALLBOX, { include_deleted: 'true' })).toBe(`${WALLBOX}?include_deleted=true`);
  });
});

describe("a request's reads", () => {
  it('makes each GET once, and a write drops it with what loaders decoded from it', async () => {
    const reads = new RequestReads();
    const make = vi.fn(() => Promise.resolve(OK));
    await reads.answer(WALLBOX, make);
    await reads.answer(WALLBOX, make);
    expect(make).toHaveBeenCalledTimes(1);
    const view = reads.view<string>('wallbox');
    view.set(WALLBOX, 'decoded');
    view.set('/org/o/users/u2', 'other user');
    expect(view.get(WALLBOX)).toBe('decoded');
    reads.invalidate(`${WALLBOX}/boost`);
    expect(view.get(WALLBOX)).toBeUndefined();
    expect(view.get('/org/o/users/u2')).toBe('other user');
    await reads.answer(WALLBOX, make);
    expect(make).toHaveBeenCalledTimes(2);
  });

  it('keeps loaders that decode the same GET apart', () => {
    const reads = new RequestReads();
    reads.view<string>('list').set('/k', 'list');
    reads.view<string>('item').set('/k', 'item');
    expect(reads.view<string>('list').get('/k')).toBe('list');
    reads.view<string>('list').clear();
    expect(reads.view<string>('item').get('/k')).toBe('item');
  });
});

describe('reads shared across requests', () => {
  it('joins a GET in flight, keeps its answer per partition, and drops it on a write', async () => {
    const shared = new SharedReads(new MemoryReadCache(), 60_000);
    let release!: (read: typeof OK) => void;
    const call = vi.fn(() => new Promise<typeof OK>((resolve) => (release = resolve)));
    const first = shared.answer('org', WALLBOX, call);
    const second = shared.answer('org', WALLBOX, call);
    await vi.waitFor(() => expect(call).toHaveBeenCalledTimes(1));
    release(OK);
    expect(await first).toEqual(OK);
    expect(await second).toEqual(OK);
    expect(await shared.answer('org', WALLBOX, call)).toEqual(OK);
    expect(call).toHaveBeenCalledTimes(1);
    // Another partition (another caller's credential in pass-through mode) never sees it.
    const other = shared.answer('caller-b', WALLBOX, () => Promise.resolve({ status: 200, body: 'b' }));
    expect(await other).toEqual({ status: 200, body: 'b' });
    await shared.invalidate(WALLBOX);
    const fresh = vi.fn(() => Promise.resolve({ status: 200, body: 'fresh' }));
    expect(await shared.answer('org', WALLBOX, fresh)).toEqual({ status: 200, body: 'fresh' });
  });

  it('does not keep an answer that started before a write, and lets its waiters have it', async () => {
    const shared = new SharedReads(new MemoryReadCache(), 60_000);
    let release!: (read: typeof OK) => void;
    const waiting = shared.answer('org', WALLBOX, () => new Promise((resolve) => (release = resolve)));
    await vi.waitFor(() => expect(release).toBeDefined());
    await shared.invalidate(WALLBOX);
    release(OK);
    expect(await waiting).toEqual(OK);
    const after = vi.fn(() => Promise.resolve({ status: 200, body: 'after' }));
    expect(await shared.answer('org', WALLBOX, after)).toEqual({ status: 200, body: 'after' });
    expect(after).toHaveBeenCalledTimes(1);
  });

  it('forgets an answer after its time to live (lru-cache ttl)', async () => {
    const store = new MemoryReadCache();
    await store.set('org', WALLBOX, OK, 5);
    expect(await store.get('org', WALLBOX)).toEqual(OK);
    await vi.waitFor(async () => expect(await store.get('org', WALLBOX)).toBeUndefined());
  });
});

// ---- the steps of a call -----------------------------------------------------------------------------

const silent = { debug() {}, warn() {} } as unknown as Logger;
const call = (method: Call['method'] = 'GET', limits: CallLimits = FREE): Call => ({
  options: { path: WALLBOX, resource: 'wallbox w', method },
  method,
  limits,
  callerAuthorization: undefined,
  observer: NO_TELEMETRY.call({ method, route: WALLBOX }),
  logger: () => silent,
});
const unavailable = () => new UpstreamError('UPSTREAM_UNAVAILABLE', 'down', { status: 503 });

describe('retrying', () => {
  const retry = retrying({ retries: 2, baseMs: 1, capMs: 1, random: () => 0 }, () => false);

  it('attempts a read again after a retryable failure, at most `retries` times', async () => {
    const attempt = vi.fn<Attempt>().mockRejectedValueOnce(unavailable()).mockResolvedValueOnce(OK);
    expect(await retry(attempt)(call())).toEqual(OK);
    const failing = vi.fn<Attempt>().mockRejectedValue(unavailable());
    await expect(retry(failing)(call())).rejects.toThrow('down');
    expect(failing).toHaveBeenCalledTimes(3);
  });

  it('never sends a write twice, and never retries an answer (404)', async () => {
    const failing = vi.fn<Attempt>().mockRejectedValue(unavailable());
    await expect(retry(failing)(call('PUT'))).rejects.toThrow('down');
    expect(failing).toHaveBeenCalledTimes(1);
    const missing = vi.fn<Attempt>().mockRejectedValue(new UpstreamError('NOT_FOUND', 'gone', { status: 404 }));
    await expect(retry(missing)(call())).rejects.toThrow('gone');
    expect(missing).toHaveBeenCalledTimes(1);
  });

  it("answers the failure at once when the wait would outlast the request's deadline", async () => {
    const limits: CallLimits = { ...FREE, deadline: Date.now() + 50 };
    const slow = vi.fn<Attempt>().mockRejectedValue(new UpstreamError('UPSTREAM_RATE_LIMITED', 'later', { status: 429, retryAfterS: 5 }));
    await expect(retry(slow)(call('GET', limits))).rejects.toThrow('later');
    expect(slow).toHaveBeenCalledTimes(1);
  });
});

describe('authenticating', () => {
  it('renews the token once after a 401 and sends once more, a write too', async () => {
    const renew = vi.fn(() => Promise.resolve('Bearer new'));
    const credentials = { authorization: () => 'Bearer old', renew, partition: () => 'org' } as unknown as Credentials;
    const seen: (string | undefined)[] = [];
    const send: Attempt = (_call, authorization) => {
      seen.push(authorization);
      return authorization === 'Bearer old' ? Promise.reject(new UpstreamError('UNAUTHENTICATED', 'expired', { status: 401 })) : Promise.resolve(OK);
    };
    expect(await pipeline([authenticating(credentials)], send)(call('PUT'))).toEqual(OK);
    expect(seen).toEqual(['Bearer old', 'Bearer new']);
    expect(renew).toHaveBeenCalledTimes(1);
  });
});
