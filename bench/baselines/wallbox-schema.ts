// The hand-written schema both baselines serve: SDL for the wallbox fields an app shows, and plain
// resolvers that map the partner API's snake_case JSON onto it. Each baseline brings only how it reads
// a wallbox from upstream (one call per `wallbox` field), which is what the benchmark compares.
// The values match the gateway's (enums upper-cased with an UNKNOWN fallback, an unknown price zone as
// null, DateTime from graphql-scalars), so every server answers the benchmark query with the same JSON.
import { DateTimeResolver, UUIDResolver } from 'graphql-scalars';

export const typeDefs = /* GraphQL */ `
  scalar UUID
  scalar DateTime

  type Query {
    wallbox(orgId: UUID, userId: UUID!, id: UUID!, includeDeleted: Boolean = false): Wallbox
  }

  enum DeviceStatus { OK WARNING ERROR UNKNOWN }
  enum BoostState { AVAILABLE REQUESTED ONGOING UNAVAILABLE UNKNOWN }
  enum PriceZone {
    AT AT_HOURLY BE CH EE DE_LU HU IT_CNOR IT_CSUD IT_NORD IT_PUN IT_SARD IT_SICI IT_SUD PT RO SE_1 SE_2 SE_3 SE_4 UK
  }

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

export interface WallboxKey {
  orgId: string;
  userId: string;
  id: string;
  includeDeleted: boolean;
}

/** The partner API's wallbox JSON, as far as this schema reads it. */
export interface UpstreamWallbox {
  id: string;
  connection_status: string;
  monitoring_status: string;
  steering_status: string;
  device_model: { device_type: { short_name: string; long_name: string | null } };
  owner: { first_name: string | null; last_name: string | null; external_id: string | null };
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  price_zone: string;
  lifecycle_state: string;
  pause_power_until: string | null;
  is_pause_power_active: boolean;
  is_smart_optimization_active: boolean;
  charge_target_min: number | null;
  charge_target_max: number | null;
  charge_power_max_w: number;
  minimum_charge_limit: number | null;
  charge_deadline_at: string | null;
  charge_rate_w: number | null;
  is_fully_charged: boolean | null;
  is_plugged_in: boolean | null;
  is_charging: boolean | null;
  consumption_last_day_kwh: number | null;
  consumption_last_week_kwh: number | null;
  consumption_last_month_kwh: number | null;
  boost_state: string | null;
  boost_for_next_session: boolean | null;
  action_needed: boolean;
  actions: UpstreamAction[];
}

interface UpstreamAction {
  code: string;
  resolution_link: { url: string; required_parameters: string[] } | null;
}

interface WallboxArgs {
  orgId?: string | null;
  userId: string;
  id: string;
  includeDeleted?: boolean | null;
}

const DEVICE_STATUSES = new Set(['OK', 'WARNING', 'ERROR']);
const BOOST_STATES = new Set(['AVAILABLE', 'REQUESTED', 'ONGOING', 'UNAVAILABLE']);
const PRICE_ZONES = new Set(typeDefs.match(/enum PriceZone \{([^}]*)\}/)![1]!.trim().split(/\s+/));

/** A status upstream added after this schema was written is UNKNOWN, not an error. */
function knownOr(known: Set<string>, value: string | null): string | null {
  if (value === null) return null;
  const name = value.toUpperCase();
  return known.has(name) ? name : 'UNKNOWN';
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
      connectionStatus: (w: UpstreamWallbox) => knownOr(DEVICE_STATUSES, w.connection_status),
      monitoringStatus: (w: UpstreamWallbox) => knownOr(DEVICE_STATUSES, w.monitoring_status),
      steeringStatus: (w: UpstreamWallbox) => knownOr(DEVICE_STATUSES, w.steering_status),
      deviceModel: (w: UpstreamWallbox) => w.device_model,
      createdAt: (w: UpstreamWallbox) => w.created_at,
      updatedAt: (w: UpstreamWallbox) => w.updated_at,
      deletedAt: (w: UpstreamWallbox) => w.deleted_at,
      priceZone: (w: UpstreamWallbox) => (PRICE_ZONES.has(w.price_zone) ? w.price_zone : null),
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
      boostState: (w: UpstreamWallbox) => knownOr(BOOST_STATES, w.boost_state),
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
      __resolveType: (a: UpstreamAction) => (a.code === 'reauthenticate' ? 'ReauthenticateAction' : 'UnknownAction'),
    },
    ReauthenticateAction: { resolutionLink: (a: UpstreamAction) => a.resolution_link },
    UnknownAction: { resolutionLink: (a: UpstreamAction) => a.resolution_link },
    ResolutionLink: {
      requiredParameters: (l: NonNullable<UpstreamAction['resolution_link']>) => l.required_parameters,
    },
  };
}
