/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
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

export type MyWallboxQueryVariables = Exact<{
  id: string;
}>;


export type MyWallboxQuery = { me: { __typename: 'Owner', id: string, firstName: string | null, wallbox: { __typename: 'Wallbox', id: string, isPluggedIn: boolean | null, isCharging: boolean | null, chargeRateW: number | null, chargeTargetMax: number | null } | null } | null };

export type WallboxChargingQueryVariables = Exact<{
  userId: string;
  id: string;
}>;


export type WallboxChargingQuery = { wallbox: { __typename: 'Wallbox', id: string, isPluggedIn: boolean | null, isCharging: boolean | null, chargeRateW: number | null, chargeTimeRemaining: number | null, chargeTargetMin: number | null, chargeTargetMax: number | null, owner: { __typename: 'Owner', id: string, firstName: string | null } } | null };

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


export const MyWallboxDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyWallbox"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"wallbox"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"isPluggedIn"}},{"kind":"Field","name":{"kind":"Name","value":"isCharging"}},{"kind":"Field","name":{"kind":"Name","value":"chargeRateW"}},{"kind":"Field","name":{"kind":"Name","value":"chargeTargetMax"}}]}}]}}]}}]} as unknown as DocumentNode<MyWallboxQuery, MyWallboxQueryVariables>;
export const WallboxChargingDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WallboxCharging"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"wallbox"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}},{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"isPluggedIn"}},{"kind":"Field","name":{"kind":"Name","value":"isCharging"}},{"kind":"Field","name":{"kind":"Name","value":"chargeRateW"}},{"kind":"Field","name":{"kind":"Name","value":"chargeTimeRemaining"}},{"kind":"Field","name":{"kind":"Name","value":"chargeTargetMin"}},{"kind":"Field","name":{"kind":"Name","value":"chargeTargetMax"}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}}]}}]}}]}}]} as unknown as DocumentNode<WallboxChargingQuery, WallboxChargingQueryVariables>;
export const WallboxPairDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WallboxPair"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"second"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"first"},"name":{"kind":"Name","value":"wallbox"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}},{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"connectionStatus"}},{"kind":"Field","name":{"kind":"Name","value":"isCharging"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"second"},"name":{"kind":"Name","value":"wallbox"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}},{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"second"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"connectionStatus"}},{"kind":"Field","name":{"kind":"Name","value":"isCharging"}}]}}]}}]} as unknown as DocumentNode<WallboxPairQuery, WallboxPairQueryVariables>;
export const WallboxStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WallboxStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"wallbox"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}},{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"connectionStatus"}},{"kind":"Field","name":{"kind":"Name","value":"monitoringStatus"}},{"kind":"Field","name":{"kind":"Name","value":"steeringStatus"}},{"kind":"Field","name":{"kind":"Name","value":"actionNeeded"}},{"kind":"Field","name":{"kind":"Name","value":"isCharging"}}]}}]}}]} as unknown as DocumentNode<WallboxStatusQuery, WallboxStatusQueryVariables>;