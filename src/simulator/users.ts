// The user endpoints of the partner API (digest §3 #1, #3, §3.2). The list is a bare JSON array with
// no pagination (digest §8).
import { apiRoute, notFound, ok, type Route } from './http.js';
import type { Store } from './store.js';

export function userRoutes(store: Store): Route[] {
  return [
    apiRoute('GET', '/org/{org_id}/users', ({ params: [orgId], query }) => {
      const refused = store.checkOrg(orgId!);
      if (refused) return refused;
      const includeDeleted = query.get('include_deleted') === 'true';
      const users = [...store.users.values()].filter((u) => includeDeleted || !u.record.deleted_at).map((u) => u.record);
      return ok(users);
    }),
    apiRoute('GET', '/org/{org_id}/users/{user_id}', ({ params: [orgId, userId] }) => {
      const refused = store.checkOrg(orgId!, { user_id: userId! });
      if (refused) return refused;
      const user = store.users.get(userId!.toLowerCase());
      return user && !user.record.deleted_at ? ok(user.record) : notFound();
    }),
  ];
}
