// The hand-written schema the GraphQL baselines serve: SDL for the wallbox fields an app shows, and plain
// resolvers that map the partner API's snake_case JSON onto it. Each baseline brings only how it reads
// a wallbox from upstream (one call per `wallbox` field), which is what the benchmark compares.
// The values match the gateway's (enums upper-cased with an UNKNOWN fallback, an unknown price zone as
// null, DateTime from graphql-scalars), so every server answers the benchmark query with the same JSON.
// The mapping itself is in wallbox-values.ts, which the floor (floor.ts) shares without graphql-js.
import { GraphQLError } from 'graphql';
import { DateTimeResolver, UUIDResolver } from 'graphql-scalars';
import { PRICE_ZONES, actionTypename, boostState, deviceStatus, priceZone, type UpstreamAction, type UpstreamWallbox, type WallboxKey } from './wallbox-values.js';

export type { UpstreamWallbox, WallboxKey } from './wallbox-values.js';

export const typeDefs = /* GraphQL */ `
  scalar UUID
  scalar DateTime

  type Query {
    wallbox(orgId: UUID, userId: UUID!, id: UUID!, includeDeleted: Boolean = false): Wallbox
  }

  enum DeviceStatus { OK WARNING ERROR UNKNOWN }
  enum BoostState { AVAILABLE REQUESTED ONGOING UNAVAILABLE UNKNOWN }
  enum PriceZone { ${PRICE_ZONES.join(' ')} }

  type Wallbox {
    id: UUID!
    connectionStatus: DeviceStatus!
    monitoringStatus: DeviceStatus!
    steeringStatus: DeviceStatus!
    deviceModel: DeviceModel!
    owner: Owner!
    createdAt: DateTime!
    updatedAt: DateTime!
    deletedAt: DateTime
    priceZone: PriceZone
    lifecycleState: String!
    pausePowerUntil: DateTime
    isPausePowerActive: Boolean!
    comment: String
    isSmartOptimizationActive: Boolean!
    chargeTargetMin: Int
    chargeTargetMax: Int
    chargePowerMaxW: Int!
    minimumChargeLimit: Int
    chargeDeadlineAt: DateTime
    chargeRateW: Float
    isFullyCharged: Boolean
    isPluggedIn: Boolean
    isCharging: Boolean
    consumptionLastDayKwh: Float
    consumptionLastWeekKwh: Float
    consumptionLastMonthKwh: Float
    boostState: BoostState
    boostForNextSession: Boolean
    actionNeeded: Boolean!
    actions: [Action!]!
  }

  type DeviceModel {
    deviceType: DeviceType!
    manufacturer: String
    model: String
    year: Int
  }

  type DeviceType {
    shortName: String!
    longName: String
  }

  type Owner {
    id: UUID!
    email: String
    firstName: String
    lastName: String
    externalId: String
  }

  interface Action {
    code: String!
  }

  type ReauthenticateAction implements Action {
    code: String!
    resolutionLink: ResolutionLink!
  }

  type UnknownAction implements Action {
    code: String!
    resolutionLink: ResolutionLink
  }

  type ResolutionLink {
    url: String!
    requiredParameters: [String!]!
  }
`;

interface WallboxArgs {
  orgId?: string | null;
  userId: string;
  id: string;
  includeDeleted?: boolean | null;
}

/** The error the GraphQL baselines' undici reader throws when the partner API does not answer 200. */
export function upstreamError(statusCode: number): GraphQLError {
  return new GraphQLError(`The partner API answered ${statusCode}`, { extensions: { code: statusCode === 404 ? 'NOT_FOUND' : 'UPSTREAM_ERROR' } });
}

/** Resolvers over `load`, the baseline's way to read one wallbox from upstream. */
export function createResolvers<Context>(load: (key: WallboxKey, context: Context) => Promise<UpstreamWallbox>, defaultOrgId: string) {
  return {
    UUID: UUIDResolver,
    DateTime: DateTimeResolver,
    Query: {
      wallbox: (_root: unknown, args: WallboxArgs, context: Context) =>
        load({ orgId: args.orgId ?? defaultOrgId, userId: args.userId, id: args.id, includeDeleted: args.includeDeleted ?? false }, context),
    },
    Wallbox: {
      connectionStatus: (w: UpstreamWallbox) => deviceStatus(w.connection_status),
      monitoringStatus: (w: UpstreamWallbox) => deviceStatus(w.monitoring_status),
      steeringStatus: (w: UpstreamWallbox) => deviceStatus(w.steering_status),
      deviceModel: (w: UpstreamWallbox) => w.device_model,
      createdAt: (w: UpstreamWallbox) => w.created_at,
      updatedAt: (w: UpstreamWallbox) => w.updated_at,
      deletedAt: (w: UpstreamWallbox) => w.deleted_at,
      priceZone: (w: UpstreamWallbox) => priceZone(w.price_zone),
      lifecycleState: (w: UpstreamWallbox) => w.lifecycle_state,
      pausePowerUntil: (w: UpstreamWallbox) => w.pause_power_until,
      isPausePowerActive: (w: UpstreamWallbox) => w.is_pause_power_active,
      isSmartOptimizationActive: (w: UpstreamWallbox) => w.is_smart_optimization_active,
      chargeTargetMin: (w: UpstreamWallbox) => w.charge_target_min,
      chargeTargetMax: (w: UpstreamWallbox) => w.charge_target_max,
      chargePowerMaxW: (w: UpstreamWallbox) => w.charge_power_max_w,
      minimumChargeLimit: (w: UpstreamWallbox) => w.minimum_charge_limit,
      chargeDeadlineAt: (w: UpstreamWallbox) => w.charge_deadline_at,
      chargeRateW: (w: UpstreamWallbox) => w.charge_rate_w,
      isFullyCharged: (w: UpstreamWallbox) => w.is_fully_charged,
      isPluggedIn: (w: UpstreamWallbox) => w.is_plugged_in,
      isCharging: (w: UpstreamWallbox) => w.is_charging,
      consumptionLastDayKwh: (w: UpstreamWallbox) => w.consumption_last_day_kwh,
      consumptionLastWeekKwh: (w: UpstreamWallbox) => w.consumption_last_week_kwh,
      consumptionLastMonthKwh: (w: UpstreamWallbox) => w.consumption_last_month_kwh,
      boostState: (w: UpstreamWallbox) => boostState(w.boost_state),
      boostForNextSession: (w: UpstreamWallbox) => w.boost_for_next_session,
      actionNeeded: (w: UpstreamWallbox) => w.action_needed,
    },
    DeviceModel: {
      deviceType: (m: UpstreamWallbox['device_model']) => m.device_type,
    },
    DeviceType: {
      shortName: (t: UpstreamWallbox['device_model']['device_type']) => t.short_name,
      longName: (t: UpstreamWallbox['device_model']['device_type']) => t.long_name,
    },
    Owner: {
      firstName: (o: UpstreamWallbox['owner']) => o.first_name,
      lastName: (o: UpstreamWallbox['owner']) => o.last_name,
      externalId: (o: UpstreamWallbox['owner']) => o.external_id,
    },
    Action: {
      __resolveType: actionTypename,
    },
    ReauthenticateAction: { resolutionLink: (a: UpstreamAction) => a.resolution_link },
    UnknownAction: { resolutionLink: (a: UpstreamAction) => a.resolution_link },
    ResolutionLink: {
      requiredParameters: (l: NonNullable<UpstreamAction['resolution_link']>) => l.required_parameters,
    },
  };
}
