// The query GraphiQL opens with. In demo mode it names a real seeded wallbox, so "Run" just works.
import type { Seed } from './simulator/seed.js';

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

export function demoQuery(seed: Seed): string {
  const first = seed.wallboxes[0]!;
  return `# A wallbox from the simulator's seeded data (demo mode).
query Wallbox {
  wallbox(userId: "${first.userId}", id: "${String(first.record.id)}") ${SELECTION}
}
`;
}

export const exampleQuery = `# Put a user id and one of their wallbox ids in the variables below.
query Wallbox($userId: UUID!, $id: UUID!) {
  wallbox(userId: $userId, id: $id) ${SELECTION}
}
`;
