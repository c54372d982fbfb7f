/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Why the partner API refused a boost (its 409 answer). */
export type BoostRejectionReason =
  /** The wallbox is already charging, or a boost is in flight. */
  | 'ALREADY_CHARGING'
  /** The vehicle is fully charged. */
  | 'FULLY_CHARGED'
  /** The partner API could not start the boost. */
  | 'INTERNAL_ERROR'
  /** Electric vehicles only: there is no charging session Podero steers (e.g. the car is plugged in away from home). */
  | 'NO_ACTIVE_SESSION';

/** Where a wallbox or electric vehicle stands with "charge now" (boost). A state the partner API adds later is served as UNKNOWN. */
export type BoostState =
  /** A vehicle is plugged in and idle: a boost starts at once. */
  | 'AVAILABLE'
  /** A boost is running: the wallbox charges at full rate. */
  | 'ONGOING'
  /** A boost was asked for and is being started. */
  | 'REQUESTED'
  /** No boost possible now (e.g. nothing plugged in); a boost would be armed for the next session. */
  | 'UNAVAILABLE'
  /** A state this gateway does not know. */
  | 'UNKNOWN';

/** Health of one aspect of a device (connection, monitoring, steering). A status the partner API adds later is served as UNKNOWN, never as an error. */
export type DeviceStatus =
  /** Not working. */
  | 'ERROR'
  /** Working as expected. */
  | 'OK'
  /** Not known yet, or a status this gateway does not know. */
  | 'UNKNOWN'
  /** Working, with a problem that needs attention. */
  | 'WARNING';

export type ChargeNowMutationVariables = Exact<{
  userId?: string | null | undefined;
  id: string;
}>;


export type ChargeNowMutation = { boostWallbox:
    | { __typename: 'BoostArmed', wallbox: { __typename: 'Wallbox', id: string, boostForNextSession: boolean | null } | null }
    | { __typename: 'BoostRejected', state: BoostState | null, reason: BoostRejectionReason | null }
    | { __typename: 'BoostStarted', wallbox: { __typename: 'Wallbox', id: string, boostState: BoostState | null, isCharging: boolean | null, chargeRateW: number | null } | null }
   | null };

export type MyWallboxQueryVariables = Exact<{
  id: string;
}>;


export type MyWallboxQuery = { me: { __typename: 'Owner', id: string, firstName: string | null, wallbox: { __typename: 'Wallbox', id: string, isPluggedIn: boolean | null, isCharging: boolean | null, chargeRateW: number | null, chargeTargetMax: number | null } | null } | null };

export type WallboxChargingQueryVariables = Exact<{
  userId: string;
  id: string;
}>;


export type WallboxChargingQuery = { wallbox: { __typename: 'Wallbox', id: string, isPluggedIn: boolean | null, isCharging: boolean | null, chargeRateW: number | null, chargeTimeRemaining: number | null, chargeTargetMin: number | null, chargeTargetMax: number | null, owner: { __typename: 'Owner', id: string, firstName: string | null } } | null };

export type WallboxLiveSubscriptionVariables = Exact<{
  userId?: string | null | undefined;
  id: string;
}>;


export type WallboxLiveSubscription = { wallbox: { __typename: 'Wallbox', id: string, isPluggedIn: boolean | null, isCharging: boolean | null, chargeRateW: number | null, chargeTimeRemaining: number | null, boostState: BoostState | null, chargeStateLastUpdatedAt: string | null } | null };

export type WallboxPairQueryVariables = Exact<{
  userId: string;
  first: string;
  second: string;
}>;


export type WallboxPairQuery = { first: { __typename: 'Wallbox', id: string, connectionStatus: DeviceStatus, isCharging: boolean | null } | null, second: { __typename: 'Wallbox', id: string, connectionStatus: DeviceStatus, isCharging: boolean | null } | null };

export type WallboxStatusQueryVariables = Exact<{
  userId: string;
  id: string;
}>;


export type WallboxStatusQuery = { wallbox: { __typename: 'Wallbox', id: string, connectionStatus: DeviceStatus, monitoringStatus: DeviceStatus, steeringStatus: DeviceStatus, actionNeeded: boolean, isCharging: boolean | null } | null };


export const ChargeNowDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ChargeNow"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"boostWallbox"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}},{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"BoostStarted"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"wallbox"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"boostState"}},{"kind":"Field","name":{"kind":"Name","value":"isCharging"}},{"kind":"Field","name":{"kind":"Name","value":"chargeRateW"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"BoostArmed"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"wallbox"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"boostForNextSession"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"BoostRejected"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}}]}}]}}]} as unknown as DocumentNode<ChargeNowMutation, ChargeNowMutationVariables>;
export const MyWallboxDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyWallbox"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"wallbox"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"isPluggedIn"}},{"kind":"Field","name":{"kind":"Name","value":"isCharging"}},{"kind":"Field","name":{"kind":"Name","value":"chargeRateW"}},{"kind":"Field","name":{"kind":"Name","value":"chargeTargetMax"}}]}}]}}]}}]} as unknown as DocumentNode<MyWallboxQuery, MyWallboxQueryVariables>;
export const WallboxChargingDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WallboxCharging"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"wallbox"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}},{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"isPluggedIn"}},{"kind":"Field","name":{"kind":"Name","value":"isCharging"}},{"kind":"Field","name":{"kind":"Name","value":"chargeRateW"}},{"kind":"Field","name":{"kind":"Name","value":"chargeTimeRemaining"}},{"kind":"Field","name":{"kind":"Name","value":"chargeTargetMin"}},{"kind":"Field","name":{"kind":"Name","value":"chargeTargetMax"}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}}]}}]}}]}}]} as unknown as DocumentNode<WallboxChargingQuery, WallboxChargingQueryVariables>;
export const WallboxLiveDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"WallboxLive"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"wallbox"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}},{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"isPluggedIn"}},{"kind":"Field","name":{"kind":"Name","value":"isCharging"}},{"kind":"Field","name":{"kind":"Name","value":"chargeRateW"}},{"kind":"Field","name":{"kind":"Name","value":"chargeTimeRemaining"}},{"kind":"Field","name":{"kind":"Name","value":"boostState"}},{"kind":"Field","name":{"kind":"Name","value":"chargeStateLastUpdatedAt"}}]}}]}}]} as unknown as DocumentNode<WallboxLiveSubscription, WallboxLiveSubscriptionVariables>;
export const WallboxPairDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WallboxPair"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"second"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"first"},"name":{"kind":"Name","value":"wallbox"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}},{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"connectionStatus"}},{"kind":"Field","name":{"kind":"Name","value":"isCharging"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"second"},"name":{"kind":"Name","value":"wallbox"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}},{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"second"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"connectionStatus"}},{"kind":"Field","name":{"kind":"Name","value":"isCharging"}}]}}]}}]} as unknown as DocumentNode<WallboxPairQuery, WallboxPairQueryVariables>;
export const WallboxStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WallboxStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"wallbox"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}},{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"connectionStatus"}},{"kind":"Field","name":{"kind":"Name","value":"monitoringStatus"}},{"kind":"Field","name":{"kind":"Name","value":"steeringStatus"}},{"kind":"Field","name":{"kind":"Name","value":"actionNeeded"}},{"kind":"Field","name":{"kind":"Name","value":"isCharging"}}]}}]}}]} as unknown as DocumentNode<WallboxStatusQuery, WallboxStatusQueryVariables>;