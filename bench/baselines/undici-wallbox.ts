// One wallbox GET with undici's request(), as a developer writes it by hand: what the plain baselines
// (plain-yoga.ts, mercurius-jit.ts) call once per `wallbox` field, and the floor (floor.ts) once per
// distinct wallbox. No loader, no cache, no retries. It imports no graphql-js: each server says how a
// failed GET becomes an error (`failure`), so the floor stays free of it.
import { request } from 'undici';
import type { BaselineConfig } from './config.js';
import type { UpstreamWallbox, WallboxKey } from './wallbox-values.js';

export function undiciWallboxReader(config: BaselineConfig, failure: (statusCode: number) => Error): (key: WallboxKey) => Promise<UpstreamWallbox> {
  return async ({ orgId, userId, id, includeDeleted }) => {
    const query = includeDeleted ? '?include_deleted=true' : '';
    const { statusCode, body } = await request(`${config.apiUrl}/org/${orgId}/users/${userId}/wallboxes/${id}${query}`, {
      headers: { authorization: `Bearer ${config.token}`, accept: 'application/json' },
    });
    if (statusCode !== 200) {
      await body.dump();
      throw failure(statusCode);
    }
    return (await body.json()) as UpstreamWallbox;
  };
}
