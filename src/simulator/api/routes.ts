// Every endpoint of the partner API that the simulator answers, in the order they are matched: the
// token endpoint, then each resource's own, one file each in this folder.
import type { Route } from '../http.js';
import type { Store } from '../store.js';
import { tokenRoute, type SimulatorClient } from './auth.js';
import { buildingRoutes } from './buildings.js';
import { claimTokenRoutes } from './claim-tokens.js';
import { cueRoutes } from './cues.js';
import { electricVehicleRoutes } from './electric-vehicles.js';
import { heatPumpRoutes } from './heat-pumps.js';
import { inverterRoutes } from './inverters.js';
import { onboardingRoutes } from './onboarding.js';
import { userRoutes } from './users.js';
import { wallboxRoutes, type WallboxSynthesizer } from './wallboxes.js';

export interface PartnerApiOptions {
  /** OAuth2 clients accepted by `POST /oauth2/token/`. */
  clients: SimulatorClient[];
  /** Lifetime of issued access tokens, in seconds. */
  tokenExpiresInS: number;
  /** Lifetime of wallbox claim tokens, in seconds. */
  claimTokenTtlS: number;
  synthesizeWallbox?: WallboxSynthesizer | undefined;
}

/** `apiBase` is the API's base URL, which links in the answers (resolution links) start with. */
export function partnerApiRoutes(store: Store, apiBase: () => string, options: PartnerApiOptions): Route[] {
  return [
    tokenRoute(store, options.clients, () => options.tokenExpiresInS),
    ...wallboxRoutes(store, apiBase, options.synthesizeWallbox),
    ...heatPumpRoutes(store, apiBase),
    ...electricVehicleRoutes(store, apiBase),
    ...inverterRoutes(store, apiBase),
    ...buildingRoutes(store),
    ...onboardingRoutes(store),
    ...claimTokenRoutes(store, () => options.claimTokenTtlS),
    ...cueRoutes(store),
    ...userRoutes(store),
  ];
}
