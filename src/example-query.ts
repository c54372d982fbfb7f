// The operation GraphiQL opens with against a real partner API (demo mode has its own, naming seeded
// devices: src/demo.ts).

/** What the example operations select of a wallbox. */
export const SELECTION = `{
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

export const exampleQuery = `# Put a user id and one of their wallbox ids in the variables below.
query Wallbox($userId: UUID!, $id: UUID!) {
  wallbox(userId: $userId, id: $id) ${SELECTION}
}
`;
