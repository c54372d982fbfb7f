// Demo mode, loaded only when no PODERO_API_URL is set: the embedded simulator as the partner API,
// GraphiQL tabs that name its seeded devices, and the banner `npm start` prints. Nothing here is
// loaded (or shipped into memory) when the gateway talks to a real partner API. The simulator runs
// with dynamics on: its devices change over time, so a subscription has live data to show.
import { DEFAULT_LIVE, DEMO_LIVE_INTERVAL_MS, type UpstreamAuth } from './config.js';
import { SELECTION } from './example-query.js';
import { DEMO_CLIENT, startSimulator, USER_IDS, WALLBOX_IDS, type Simulator } from './simulator/index.js';

export interface Demo {
  simulator: Simulator;
  apiUrl: URL;
  auth: UpstreamAuth;
  orgId: string;
  /** The operations GraphiQL opens with, one tab each. */
  examples: string[];
  /** What `npm start` prints once the gateway listens at `endpoint`. */
  banner(endpoint: string): string;
}

export async function startDemo(): Promise<Demo> {
  const simulator = await startSimulator({ dynamics: true });
  const apiUrl = simulator.apiUrl;
  const query = demoQuery();
  return {
    simulator,
    apiUrl,
    auth: { mode: 'client-credentials', ...DEMO_CLIENT, tokenUrl: simulator.tokenUrl },
    orgId: simulator.seed.orgId,
    examples: [query, demoMutation(), demoDevices(), demoSubscription()],
    banner: (endpoint) =>
      `\nPodero GraphQL gateway, demo mode (embedded partner API simulator at ${apiUrl.href}; seeded data, nothing leaves this machine)\n\n` +
      `  GraphiQL   ${endpoint}   (open it in a browser: the example query below, an example mutation, a user's devices and a live subscription are loaded)\n\n` +
      `${query
        .split('\n')
        .map((line) => `  ${line}`)
        .join('\n')}\n\n` +
      `  curl -s ${endpoint} -H 'content-type: application/json' \\\n` +
      `    -d '{"query":"{ wallbox(userId: \\"${USER_IDS.anna}\\", id: \\"${WALLBOX_IDS.full}\\") { id connectionStatus chargeRateW owner { firstName } } }"}'\n\n`,
  };
}

/** A seeded wallbox: Anna Berger's Easee, every field populated. */
function demoQuery(): string {
  return `# A wallbox from the simulator's seeded data (demo mode).
query Wallbox {
  wallbox(userId: "${USER_IDS.anna}", id: "${WALLBOX_IDS.full}") ${SELECTION}
}
`;
}

/** A mutation for the demo's second tab: settings on a plugged-in, idle wallbox, then a boost. */
function demoMutation(): string {
  const wallbox = `userId: "${USER_IDS.anna}", id: "${WALLBOX_IDS.annaCarport}"`;
  return `# Change settings of a seeded wallbox, then start a boost ("charge now") on it.
# The simulator keeps the change: run the query tab again to see it.
mutation ChargeNow {
  updateWallbox(input: { ${wallbox}, chargeTargetMax: 90, comment: "Boost before the trip" }) {
    id
    chargeTargetMax
    comment
    updatedAt
  }
  boostWallbox(${wallbox}) {
    __typename
    ... on BoostStarted { wallbox { boostState isCharging chargeRateW } }
    ... on BoostArmed { wallbox { boostForNextSession } }
    ... on BoostRejected { state reason }
  }
}
`;
}

/**
 * The third tab: a user and everything they have, as a frontend's "my home" page asks for it. With caller
 * authentication on, an end user asks the same with `me` instead of `user(id:)`.
 */
function demoDevices(): string {
  return `# A user and their devices of every kind: one call for the user, one per device list.
# (Signed in as an end user, ask for \`me { ... }\` instead: no id needed.)
query MyHome {
  user(id: "${USER_IDS.anna}") {
    firstName
    town
    devices {
      __typename
      id
      deviceModel { manufacturer model }
      connectionStatus
      isSmartOptimizationActive
      building { name }
      ... on HeatPump { indoorActualTemperature indoorTargetTemperature dhwTemperature optimizationLevel currentPowerConsumptionW }
      ... on ElectricVehicle { batteryLevel isPluggedIn isCharging chargeTargetMax chargeDeadlineAt boostState }
      ... on Inverter { currentSolarProductionW currentPowerToGridW batteryChargeLevelPercent }
    }
    wallbox(id: "${WALLBOX_IDS.full}") { chargeRateW isCharging }
  }
}
`;
}

/**
 * The fourth tab: the first tab's wallbox, live. It is the seeded car that charges, and the simulator's
 * dynamics give it a new reading every few seconds (a wobbling rate, a new charge-state stamp, the
 * minutes left counting down), so GraphiQL's result pane changes at each poll.
 */
function demoSubscription(): string {
  const [demo, partner, fast] = [DEMO_LIVE_INTERVAL_MS, DEFAULT_LIVE.intervalMs, DEFAULT_LIVE.fastIntervalMs].map((ms) => ms / 1000);
  // Short lines: GraphiQL's editor shows about 60 characters before it scrolls.
  return `# Live: the first tab's wallbox, pushed to you each time
# what you select of it changes. The gateway polls it every
# ${demo} s in demo mode, ${partner} s against the partner API (set
# LIVE_POLL_INTERVAL_MS=1000 to go faster). The car charges
# and its rate wobbles, so the result ticks at each poll.
# The run button stops it.
# To watch a boost, put the carport wallbox's id below
# (${WALLBOX_IDS.annaCarport}), run this, then the
# mutation tab: boostState turns REQUESTED at once, is then
# polled every ${fast} s, and turns ONGOING seconds later.
subscription LiveWallbox {
  wallbox(userId: "${USER_IDS.anna}", id: "${WALLBOX_IDS.full}") {
    id
    isCharging
    chargeRateW
    chargeTimeRemaining
    boostState
    chargeStateLastUpdatedAt
  }
}
`;
}
