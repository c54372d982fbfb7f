// The operations GraphiQL opens with. In demo mode they name real seeded wallboxes, so "Run" just works.
import { USER_IDS, WALLBOX_IDS } from './simulator/seed.js';

const SELECTION = `{
    id
    connectionStatus
    monitoringStatus
    steeringStatus
    deviceModel {
      manufacturer
      model
      deviceType { shortName longName }
    }
    owner { firstName lastName email }
    isPluggedIn
    isCharging
    chargeRateW
    chargeTargetMin
    chargeTargetMax
    priceZone
    actionNeeded
    actions {
      code
      ... on ReauthenticateAction { resolutionLink { url requiredParameters } }
    }
  }`;

/** A seeded wallbox: Anna Berger's Easee, every field populated. */
export function demoQuery(): string {
  return `# A wallbox from the simulator's seeded data (demo mode).
query Wallbox {
  wallbox(userId: "${USER_IDS.anna}", id: "${WALLBOX_IDS.full}") ${SELECTION}
}
`;
}

/** A mutation for the demo's second tab: settings on a plugged-in, idle wallbox, then a boost. */
export function demoMutation(): string {
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

export const exampleQuery = `# Put a user id and one of their wallbox ids in the variables below.
query Wallbox($userId: UUID!, $id: UUID!) {
  wallbox(userId: $userId, id: $id) ${SELECTION}
}
`;
