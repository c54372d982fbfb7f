// The admin routes, `/_simulator/...`: what a test or benchmark in another process uses to drive a
// standalone simulator (`npm run simulator`) as an in-process one is driven through the Simulator's
// methods: the counts, reset, the faults, and the hooks for what happens outside the partner API. They
// need no token.
import type { PlugInOptions } from './api/charging.js';
import type { PairedDevice } from './api/claim-tokens.js';
import type { DeviceKindSpec } from './api/devices.js';
import { ELECTRIC_VEHICLE } from './api/electric-vehicles.js';
import { WALLBOX } from './api/wallboxes.js';
import { faultProblems, type Fault } from './faults.js';
import { SimulatorHookError, type DeviceHooks } from './hooks.js';
import { templatePattern, unprocessable, type Reply, type Route } from './http.js';
import type { Json } from './records.js';

/** What the admin routes drive: the Simulator's own methods of the same names. */
export interface SimulatorAdmin {
  counts(): Record<string, number>;
  statusCounts(): Record<string, number>;
  reset(): void;
  faults(): Fault[];
  faultsApplied(): number;
  injectFault(fault: Fault): void;
  clearFaults(): void;
}

export function adminRoutes(simulator: SimulatorAdmin, hooks: DeviceHooks): Route[] {
  return [
    admin('GET', '/_simulator/counts', () => ({ status: 200, body: simulator.counts() })),
    admin('POST', '/_simulator/reset', () => (simulator.reset(), { status: 204 })),
    admin('DELETE', '/_simulator/faults', () => (simulator.clearFaults(), { status: 204 })),
    admin('GET', '/_simulator/faults', () => ({ status: 200, body: { faults: simulator.faults(), applied: simulator.faultsApplied() } })),
    admin('POST', '/_simulator/faults', ({ body }) => {
      const problems = faultProblems(body);
      return problems.length > 0 ? unprocessable(problems) : (simulator.injectFault(body as Fault), { status: 204 });
    }),
    admin('GET', '/_simulator/status-counts', () => ({ status: 200, body: simulator.statusCounts() })),
    ...plugging(hooks, WALLBOX),
    ...plugging(hooks, ELECTRIC_VEHICLE),
    admin('POST', '/_simulator/claim-tokens/{token}/pair', ({ params: [token], body }) => hook(() => hooks.pairWallbox(token!, pairedDevice(body)), 201)),
  ];
}

/** A car plugging in and out of a kind's device (`{at_home}` in the body only matters to an EV). */
function plugging(hooks: DeviceHooks, { collection, idParam, kind }: DeviceKindSpec): Route[] {
  return [
    admin('POST', `/_simulator/${collection}/{${idParam}}/plug-in`, ({ params: [id], body }) => hook(() => hooks.plugIn(id!, plugInOptions(body), [kind]))),
    admin('POST', `/_simulator/${collection}/{${idParam}}/unplug`, ({ params: [id] }) => hook(() => hooks.unplug(id!, [kind]))),
  ];
}

/** A route outside the API base, counted under its method and path like the API's own. */
function admin(method: string, path: string, handle: Route['handle']): Route {
  return { method, name: `${method} ${path}`, pattern: templatePattern(path), auth: false, handle };
}

/** A hook's device as the answer, or the reply that the hook refused with. */
function hook(run: () => Json, status = 200): Reply {
  try {
    return { status, body: run() };
  } catch (error) {
    if (error instanceof SimulatorHookError) return { status: error.status, body: error.body };
    throw error;
  }
}

/** The optional `{at_home}` body of the EV plug-in route; anything else is ignored. */
function plugInOptions(body: unknown): PlugInOptions {
  const { at_home: atHome } = (body ?? {}) as Record<string, unknown>;
  return typeof atHome === 'boolean' ? { atHome } : {};
}

/** The optional `{manufacturer, model}` body of the pair route; anything else is ignored. */
function pairedDevice(body: unknown): PairedDevice {
  const { manufacturer, model } = (body ?? {}) as Record<string, unknown>;
  return {
    ...(typeof manufacturer === 'string' && { manufacturer }),
    ...(typeof model === 'string' && { model }),
  };
}
