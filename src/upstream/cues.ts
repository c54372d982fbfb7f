// Cues: how the partner resolves a pending action (https://developers.podero.com/api-reference/cues/start-a-pending-action). Each action's `resolution_link.url`
// carries the cue id and a signed secret (valid one hour):
//   POST /cues/{cue_id}/resolve?secret=…  (bearer auth) -> { redirect_url }: send the end user there
//   POST /cues/{cue_id}/state?secret=…    (the secret alone) -> { action_id }: report the outcome
// The secret travels in the query string, which the client never logs.
import type { ApiSession } from './client.js';
import { Fields } from './decode.js';
import { UpstreamError } from './errors.js';
import { isUuid, uuidSegment } from './paths.js';

export interface Cue {
  cueId: string;
  secret: string;
}

/** Secrets are opaque; this only keeps absurd values (and anything that is not printable text) out of URLs. */
const SECRET = /^[\x21-\x7e]{1,2048}$/;

export function isCueSecret(value: string): boolean {
  return SECRET.test(value);
}

/**
 * The cue in an action's resolution URL: a path ending in `/cues/{uuid}/resolve` and a `secret`
 * parameter. Only the cue id and secret are used — the call goes to the configured API base, never
 * to the host in the URL.
 */
export function cueFromResolutionUrl(resolutionUrl: string): Cue | undefined {
  if (!URL.canParse(resolutionUrl)) return undefined;
  const url = new URL(resolutionUrl);
  const cueId = /\/cues\/([^/]+)\/resolve\/?$/.exec(url.pathname)?.[1];
  const secret = url.searchParams.get('secret');
  if (!isUuid(cueId) || secret === null || !isCueSecret(secret)) return undefined;
  return { cueId: cueId.toLowerCase(), secret };
}

export interface ResolveParameters {
  successUrl: string;
  cancelUrl: string;
  language?: string | undefined;
  location?: Record<string, unknown> | undefined;
  clientInfo?: Record<string, unknown> | undefined;
}

/** Starts a pending action; answers the URL to redirect the end user to. The body is camelCase upstream. */
export function resolveCue(api: ApiSession, cue: Cue, parameters: ResolveParameters): Promise<string> {
  return api
    .read(
      {
        method: 'POST',
        path: `/cues/${uuidSegment(cue.cueId, 'cueId')}/resolve`,
        query: { secret: cue.secret },
        body: parameters,
        resource: `action ${cue.cueId}`,
        // An action belongs to some device, which the cue does not name: every read held is dropped.
        invalidates: 'everything',
      },
      (body) => {
        const f = Fields.of(body, 'action resolution', api.reportUnknown);
        return f.required(f.string('redirect_url'), 'redirect_url');
      },
    )
    .catch((error: unknown) => {
      throw explain(error, cue, 'resolve');
    });
}

export interface Outcome {
  state: 'success' | 'fail';
  payload?: Record<string, unknown> | undefined;
  location?: Record<string, unknown> | undefined;
  clientInfo?: Record<string, unknown> | undefined;
}

/** Reports how an action the end user went through ended; answers the action id. Authenticated by the secret alone. */
export function reportCueOutcome(api: ApiSession, cue: Cue, outcome: Outcome): Promise<string> {
  return api
    .read(
      {
        method: 'POST',
        path: `/cues/${uuidSegment(cue.cueId, 'cueId')}/state`,
        query: { secret: cue.secret },
        // This endpoint's body is snake_case, unlike /resolve's.
        body: { state: outcome.state, payload: outcome.payload ?? {}, location: outcome.location ?? {}, client_info: outcome.clientInfo ?? {} },
        resource: `action ${cue.cueId}`,
        // Upstream documents no Authorization here: the secret alone authenticates the report.
        authenticate: false,
        invalidates: 'everything',
      },
      (body) => {
        const f = Fields.of(body, 'action outcome', api.reportUnknown);
        return f.required(f.string('action_id'), 'action_id');
      },
    )
    .catch((error: unknown) => {
      throw explain(error, cue, 'report');
    });
}

/** Upstream's 404 and 403 here have specific meanings worth saying plainly. */
function explain(error: unknown, cue: Cue, step: 'resolve' | 'report'): unknown {
  if (!(error instanceof UpstreamError)) return error;
  const options = { status: error.status, detail: error.detail, cause: error };
  if (error.code === 'NOT_FOUND') {
    const message =
      step === 'resolve'
        ? `Action ${cue.cueId} does not exist, or is already completed`
        : `Action ${cue.cueId} is not active: it was never started, or is already completed`;
    return new UpstreamError('NOT_FOUND', message, options);
  }
  if (error.code === 'FORBIDDEN') {
    return new UpstreamError('FORBIDDEN', `The partner API refused the secret for action ${cue.cueId}: secrets are single-use and expire one hour after they are issued; read the wallbox again for a fresh resolution link`, options);
  }
  return error;
}
