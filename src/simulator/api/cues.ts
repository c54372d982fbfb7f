// Pending actions ("cues", https://developers.podero.com/api-reference/cues/start-a-pending-action). A device's `actions` are its open cues, each with a
// resolution link carrying a secret that is valid for one hour and resolves once. Resolving starts an
// attempt (the end-user is redirected to Podero's Connect UI); the attempt reports its outcome with the
// secret that started it, and that call carries no bearer token: the secret is the authorization.
import { apiRoute, invalidUuids, notFound, ok, unprocessable, type Reply, type Route } from '../http.js';
import type { Cue, Json, StoredDevice } from '../records.js';
import { isoTime, type Store } from '../store.js';
import { object, oneOf, requiredQuery, string, validateBody, type FieldRule } from '../validate.js';

export const SECRET_TTL_MS = 60 * 60 * 1000;
const CONNECT_UI = 'https://connect.podero.com';

const invalidSecret = (): Reply => ({ status: 403, body: { detail: 'The secret is invalid or has expired.' } });
const noActiveAction = (): Reply => ({ status: 404, body: { detail: 'No active action' } });

/** The resolve body is camelCase, unlike the rest of the API (as documented). */
const RESOLVE_BODY: Record<string, FieldRule> = {
  successUrl: { check: string(), required: true },
  cancelUrl: { check: string(), required: true },
  language: { check: string(), nullable: true },
  location: { check: object, nullable: true },
  clientInfo: { check: object, nullable: true },
};

const STATE_BODY: Record<string, FieldRule> = {
  state: { check: oneOf(['success', 'fail']), required: true },
  payload: { check: object, nullable: true },
  location: { check: object, nullable: true },
  client_info: { check: object, nullable: true },
};

/**
 * A device's `actions`: its open cues, then its link-less actions. A secret that was spent or has
 * expired is replaced here, so a link is always usable when served, and two renderings with nothing
 * in between show the same one.
 */
export function renderActions(store: Store, device: StoredDevice, apiBase: string): Json[] {
  const open = device.cues
    .filter((cue) => cue.state !== 'done')
    .map((cue) => {
      if (cue.secretSpent || expired(store, cue.secretIssuedAt)) store.mintSecret(cue);
      const url = `${apiBase}/cues/${cue.cueId}/resolve?secret=${encodeURIComponent(cue.secret)}`;
      return { code: cue.code, resolution_link: { url, required_parameters: [...cue.requiredParameters] } };
    });
  return [...open, ...structuredClone(device.linklessActions)];
}

export function cueRoutes(store: Store): Route[] {
  return [
    apiRoute('POST', '/cues/{cue_id}/resolve', ({ params: [cueId], query, body }) => {
      const call = readCueCall(cueId!, query, body, RESOLVE_BODY);
      if ('status' in call) return call;
      const { secret, values } = call;

      const found = store.findCue(cueId!);
      if (!found || found.cue.state === 'done') return notFound();
      const { cue } = found;
      if (secret !== cue.secret || cue.secretSpent || expired(store, cue.secretIssuedAt)) return invalidSecret();
      // A new attempt replaces one in progress: the end-user may start over.
      cue.secretSpent = true;
      cue.state = 'in_progress';
      cue.attempt = { secret: cue.secret, issuedAt: cue.secretIssuedAt };
      return ok({ redirect_url: redirectUrl(cue, values) });
    }),
    apiRoute(
      'POST',
      '/cues/{cue_id}/state',
      ({ params: [cueId], query, body }) => {
        const call = readCueCall(cueId!, query, body, STATE_BODY);
        if ('status' in call) return call;
        const { secret, values } = call;

        const found = store.findCue(cueId!);
        if (!found || found.cue.state !== 'in_progress') return noActiveAction();
        const { cue, device } = found;
        const { attempt } = cue;
        if (!attempt || secret !== attempt.secret || expired(store, attempt.issuedAt)) return invalidSecret();
        cue.attempt = null;
        if (values.state === 'success') complete(store, cue, device);
        else cue.state = 'pending'; // retryable: the next rendering offers a fresh secret
        return ok({ action_id: cue.cueId });
      },
      { auth: false },
    ),
  ];
}

/** What both cue routes read first: a UUID cue id, the `secret` query parameter and a valid body, or the 422. */
function readCueCall(cueId: string, query: URLSearchParams, body: unknown, rules: Record<string, FieldRule>): { secret: string; values: Record<string, unknown> } | Reply {
  const bad = invalidUuids({ cue_id: cueId });
  if (bad) return bad;
  const secret = requiredQuery(query, 'secret');
  const { values, problems } = validateBody(body, rules);
  if (secret.problems.length + problems.length > 0) return unprocessable([...secret.problems, ...problems]);
  return { secret: secret.value!, values };
}

function complete(store: Store, cue: Cue, device: StoredDevice): void {
  cue.state = 'done';
  if (cue.code !== 'reauthenticate') return;
  Object.assign(device.record, {
    is_authenticated: true,
    lifecycle_state: 'authenticated',
    lifecycle_error: null,
    updated_at: isoTime(store.now()),
  });
}

function redirectUrl(cue: Cue, values: Record<string, unknown>): string {
  const url = new URL(`/resolve/${cue.cueId}`, CONNECT_UI);
  url.searchParams.set('success_url', String(values.successUrl));
  url.searchParams.set('cancel_url', String(values.cancelUrl));
  if (typeof values.language === 'string') url.searchParams.set('language', values.language);
  return url.href;
}

function expired(store: Store, issuedAt: number): boolean {
  return store.now() >= issuedAt + SECRET_TTL_MS;
}
