// Wallbox claim tokens (https://developers.podero.com/api-reference/user-wallboxes/mint-a-one-time-wallbox-claim-token-for-the-user): a partner mints a one-time token for a user; a charger
// that connects with it (OCPP, outside the partner API) becomes that user's new wallbox. Pairing is
// what the charger does, so it is a simulator hook rather than a partner API route.
import { randomBytes, randomUUID } from 'node:crypto';
import { apiRoute, notFound, ok, type Reply, type Route } from '../http.js';
import type { Json, StoredDevice, StoredUser } from '../records.js';
import { isReply, isoTime, type Store } from '../store.js';
import { blankDevice } from './devices.js';
import { WALLBOX } from './wallboxes.js';

export interface PairedDevice {
  manufacturer?: string;
  model?: string;
}

const OCPP_ENDPOINT = 'wss://ocpp.podero.com/ocpp/';

/** Where a new wallbox's price zone defaults from: its owner's country. */
const ZONE_BY_COUNTRY: Record<string, string> = {
  AT: 'AT', BE: 'BE', CH: 'CH', DE: 'DE_LU', LU: 'DE_LU', EE: 'EE', HU: 'HU', IT: 'IT_NORD', PT: 'PT', RO: 'RO', SE: 'SE_3', GB: 'UK',
};

export function claimTokenRoutes(store: Store, ttlS: () => number): Route[] {
  return [
    apiRoute('POST', '/org/{org_id}/users/{user_id}/wallboxes/claim-tokens', ({ params: [orgId, userId] }) => {
      const user = store.findUser(orgId!, userId!);
      if (isReply(user)) return user;
      const token = randomBytes(24).toString('base64url');
      const expiresAt = store.now() + ttlS() * 1000;
      store.claimTokens.set(token, { orgId: user.orgId, userId: String(user.record.id), expiresAt, used: false });
      return ok({ token, wss_url: OCPP_ENDPOINT + token, expires_at: isoTime(expiresAt) }, 201);
    }),
  ];
}

/** A charger connects with a claim token: the token's user gets a new wallbox, once. */
export function pairWallbox(store: Store, token: string, device: PairedDevice = {}): StoredDevice | Reply {
  const claim = store.claimTokens.get(token);
  if (!claim) return notFound();
  if (claim.used) return { status: 409, body: { detail: 'Claim token already used' } };
  if (store.now() >= claim.expiresAt) return { status: 410, body: { detail: 'Claim token expired' } };
  const user = store.users.get(claim.userId);
  if (!user) return notFound();
  claim.used = true;
  const wallbox: StoredDevice = { kind: 'wallbox', orgId: claim.orgId, userId: claim.userId, record: claimedRecord(user, device, store.now()), cues: [], linklessActions: [] };
  store.devices.set(String(wallbox.record.id), wallbox);
  return wallbox;
}

/** A charger that has just connected over OCPP: authenticated, nothing plugged in, no history yet. */
function claimedRecord(user: StoredUser, device: PairedDevice, now: number): Json {
  const u = user.record;
  const created = isoTime(now);
  const id = randomUUID();
  const owner = { id: u.id, email: u.email, first_name: u.first_name, last_name: u.last_name, external_id: u.external_user_id };
  // A stored record leaves out `actions` and `action_needed`: they are rendered from its cues.
  const { actions: _actions, action_needed: _actionNeeded, ...blank } = blankDevice(WALLBOX, { id, owner, createdAt: created, priceZone: ZONE_BY_COUNTRY[String(u.country)] ?? 'DE_LU' });
  return {
    ...blank,
    connection_status: 'ok',
    device_model: { ...(blank.device_model as Json), manufacturer: device.manufacturer ?? null, model: device.model ?? null },
    is_authenticated: true,
    is_smart_optimization_active: true,
    current_state_last_updated_at: created,
    actual_steering_state: 'idle',
    charge_power_max_w: 11000,
    is_charge_policy_enabled: false,
    is_over_charge_allowed: false,
    charge_rate_w: 0,
    is_fully_charged: false,
    is_plugged_in: false,
    is_charging: false,
    charge_state_last_updated_at: created,
    needs_gateway: false,
    embeddable_url: `https://connect.podero.com/embed/wallboxes/${id}`,
    boost_state: 'unavailable',
    boost_for_next_session: false,
  };
}
