/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation ChargeNow($userId: UUID, $id: UUID!) {\n  boostWallbox(userId: $userId, id: $id) {\n    __typename\n    ... on BoostStarted {\n      wallbox {\n        id\n        boostState\n        isCharging\n        chargeRateW\n      }\n    }\n    ... on BoostArmed {\n      wallbox {\n        id\n        boostForNextSession\n      }\n    }\n    ... on BoostRejected {\n      state\n      reason\n    }\n  }\n}": typeof types.ChargeNowDocument,
    "query MyWallbox($id: UUID!) {\n  me {\n    id\n    firstName\n    wallbox(id: $id) {\n      id\n      isPluggedIn\n      isCharging\n      chargeRateW\n      chargeTargetMax\n    }\n  }\n}": typeof types.MyWallboxDocument,
    "query WallboxCharging($userId: UUID!, $id: UUID!) {\n  wallbox(userId: $userId, id: $id) {\n    id\n    isPluggedIn\n    isCharging\n    chargeRateW\n    chargeTimeRemaining\n    chargeTargetMin\n    chargeTargetMax\n    owner {\n      id\n      firstName\n    }\n  }\n}": typeof types.WallboxChargingDocument,
    "subscription WallboxLive($userId: UUID, $id: UUID!) {\n  wallbox(userId: $userId, id: $id) {\n    id\n    isPluggedIn\n    isCharging\n    chargeRateW\n    chargeTimeRemaining\n    boostState\n    chargeStateLastUpdatedAt\n  }\n}": typeof types.WallboxLiveDocument,
    "query WallboxPair($userId: UUID!, $first: UUID!, $second: UUID!) {\n  first: wallbox(userId: $userId, id: $first) {\n    id\n    connectionStatus\n    isCharging\n  }\n  second: wallbox(userId: $userId, id: $second) {\n    id\n    connectionStatus\n    isCharging\n  }\n}": typeof types.WallboxPairDocument,
    "query WallboxStatus($userId: UUID!, $id: UUID!) {\n  wallbox(userId: $userId, id: $id) {\n    id\n    connectionStatus\n    monitoringStatus\n    steeringStatus\n    actionNeeded\n    isCharging\n  }\n}": typeof types.WallboxStatusDocument,
};
const documents: Documents = {
    "mutation ChargeNow($userId: UUID, $id: UUID!) {\n  boostWallbox(userId: $userId, id: $id) {\n    __typename\n    ... on BoostStarted {\n      wallbox {\n        id\n        boostState\n        isCharging\n        chargeRateW\n      }\n    }\n    ... on BoostArmed {\n      wallbox {\n        id\n        boostForNextSession\n      }\n    }\n    ... on BoostRejected {\n      state\n      reason\n    }\n  }\n}": types.ChargeNowDocument,
    "query MyWallbox($id: UUID!) {\n  me {\n    id\n    firstName\n    wallbox(id: $id) {\n      id\n      isPluggedIn\n      isCharging\n      chargeRateW\n      chargeTargetMax\n    }\n  }\n}": types.MyWallboxDocument,
    "query WallboxCharging($userId: UUID!, $id: UUID!) {\n  wallbox(userId: $userId, id: $id) {\n    id\n    isPluggedIn\n    isCharging\n    chargeRateW\n    chargeTimeRemaining\n    chargeTargetMin\n    chargeTargetMax\n    owner {\n      id\n      firstName\n    }\n  }\n}": types.WallboxChargingDocument,
    "subscription WallboxLive($userId: UUID, $id: UUID!) {\n  wallbox(userId: $userId, id: $id) {\n    id\n    isPluggedIn\n    isCharging\n    chargeRateW\n    chargeTimeRemaining\n    boostState\n    chargeStateLastUpdatedAt\n  }\n}": types.WallboxLiveDocument,
    "query WallboxPair($userId: UUID!, $first: UUID!, $second: UUID!) {\n  first: wallbox(userId: $userId, id: $first) {\n    id\n    connectionStatus\n    isCharging\n  }\n  second: wallbox(userId: $userId, id: $second) {\n    id\n    connectionStatus\n    isCharging\n  }\n}": types.WallboxPairDocument,
    "query WallboxStatus($userId: UUID!, $id: UUID!) {\n  wallbox(userId: $userId, id: $id) {\n    id\n    connectionStatus\n    monitoringStatus\n    steeringStatus\n    actionNeeded\n    isCharging\n  }\n}": types.WallboxStatusDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ChargeNow($userId: UUID, $id: UUID!) {\n  boostWallbox(userId: $userId, id: $id) {\n    __typename\n    ... on BoostStarted {\n      wallbox {\n        id\n        boostState\n        isCharging\n        chargeRateW\n      }\n    }\n    ... on BoostArmed {\n      wallbox {\n        id\n        boostForNextSession\n      }\n    }\n    ... on BoostRejected {\n      state\n      reason\n    }\n  }\n}"): (typeof documents)["mutation ChargeNow($userId: UUID, $id: UUID!) {\n  boostWallbox(userId: $userId, id: $id) {\n    __typename\n    ... on BoostStarted {\n      wallbox {\n        id\n        boostState\n        isCharging\n        chargeRateW\n      }\n    }\n    ... on BoostArmed {\n      wallbox {\n        id\n        boostForNextSession\n      }\n    }\n    ... on BoostRejected {\n      state\n      reason\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MyWallbox($id: UUID!) {\n  me {\n    id\n    firstName\n    wallbox(id: $id) {\n      id\n      isPluggedIn\n      isCharging\n      chargeRateW\n      chargeTargetMax\n    }\n  }\n}"): (typeof documents)["query MyWallbox($id: UUID!) {\n  me {\n    id\n    firstName\n    wallbox(id: $id) {\n      id\n      isPluggedIn\n      isCharging\n      chargeRateW\n      chargeTargetMax\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query WallboxCharging($userId: UUID!, $id: UUID!) {\n  wallbox(userId: $userId, id: $id) {\n    id\n    isPluggedIn\n    isCharging\n    chargeRateW\n    chargeTimeRemaining\n    chargeTargetMin\n    chargeTargetMax\n    owner {\n      id\n      firstName\n    }\n  }\n}"): (typeof documents)["query WallboxCharging($userId: UUID!, $id: UUID!) {\n  wallbox(userId: $userId, id: $id) {\n    id\n    isPluggedIn\n    isCharging\n    chargeRateW\n    chargeTimeRemaining\n    chargeTargetMin\n    chargeTargetMax\n    owner {\n      id\n      firstName\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription WallboxLive($userId: UUID, $id: UUID!) {\n  wallbox(userId: $userId, id: $id) {\n    id\n    isPluggedIn\n    isCharging\n    chargeRateW\n    chargeTimeRemaining\n    boostState\n    chargeStateLastUpdatedAt\n  }\n}"): (typeof documents)["subscription WallboxLive($userId: UUID, $id: UUID!) {\n  wallbox(userId: $userId, id: $id) {\n    id\n    isPluggedIn\n    isCharging\n    chargeRateW\n    chargeTimeRemaining\n    boostState\n    chargeStateLastUpdatedAt\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query WallboxPair($userId: UUID!, $first: UUID!, $second: UUID!) {\n  first: wallbox(userId: $userId, id: $first) {\n    id\n    connectionStatus\n    isCharging\n  }\n  second: wallbox(userId: $userId, id: $second) {\n    id\n    connectionStatus\n    isCharging\n  }\n}"): (typeof documents)["query WallboxPair($userId: UUID!, $first: UUID!, $second: UUID!) {\n  first: wallbox(userId: $userId, id: $first) {\n    id\n    connectionStatus\n    isCharging\n  }\n  second: wallbox(userId: $userId, id: $second) {\n    id\n    connectionStatus\n    isCharging\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query WallboxStatus($userId: UUID!, $id: UUID!) {\n  wallbox(userId: $userId, id: $id) {\n    id\n    connectionStatus\n    monitoringStatus\n    steeringStatus\n    actionNeeded\n    isCharging\n  }\n}"): (typeof documents)["query WallboxStatus($userId: UUID!, $id: UUID!) {\n  wallbox(userId: $userId, id: $id) {\n    id\n    connectionStatus\n    monitoringStatus\n    steeringStatus\n    actionNeeded\n    isCharging\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;