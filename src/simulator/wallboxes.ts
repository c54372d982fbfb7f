// The wallbox endpoints of the partner API (digest §3 #37-#42, §4).
import { apiRoute, ok, type Route } from './http.js';
import { isReply, type Store } from './store.js';

export function wallboxRoutes(store: Store): Route[] {
  return [
    apiRoute('GET', '/org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}', ({ params: [orgId, userId, wallboxId], query }) => {
      const found = store.findWallbox(orgId!, userId!, wallboxId!, query.get('include_deleted') === 'true');
      return isReply(found) ? found : ok(found.record);
    }),
  ];
}
