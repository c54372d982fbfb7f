import { builder } from './builder.js';
import { PRICE_ZONES } from '../upstream/devices/device.js';

export const DeviceStatusEnum = builder.enumType('DeviceStatus', {
  description:
    'Health of one aspect of a device (connection, monitoring, steering). A status the partner API adds later is served as UNKNOWN, never as an error.',
  values: {
    OK: { value: 'ok', description: 'Working as expected.' },
    WARNING: { value: 'warning', description: 'Working, with a problem that needs attention.' },
    ERROR: { value: 'error', description: 'Not working.' },
    UNKNOWN: { value: 'unknown', description: 'Not known yet, or a status this gateway does not know.' },
  } as const,
});

export const PriceZoneEnum = builder.enumType('PriceZone', {
  description: 'Electricity market price zone (bidding zone) whose prices drive the optimisation.',
  values: PRICE_ZONES,
});

export const BoostStateEnum = builder.enumType('BoostState', {
  description: 'Where a wallbox or electric vehicle stands with "charge now" (boost). A state the partner API adds later is served as UNKNOWN.',
  values: {
    AVAILABLE: { value: 'available', description: 'A vehicle is plugged in and idle: a boost starts at once.' },
    REQUESTED: { value: 'requested', description: 'A boost was asked for and is being started.' },
    ONGOING: { value: 'ongoing', description: 'A boost is running: the wallbox charges at full rate.' },
    UNAVAILABLE: { value: 'unavailable', description: 'No boost possible now (e.g. nothing plugged in); a boost would be armed for the next session.' },
    UNKNOWN: { value: 'unknown', description: 'A state this gateway does not know.' },
  } as const,
});

export const BoostRejectionReasonEnum = builder.enumType('BoostRejectionReason', {
  description: 'Why the partner API refused a boost (its 409 answer).',
  values: {
    ALREADY_CHARGING: { value: 'already_charging', description: 'The wallbox is already charging, or a boost is in flight.' },
    FULLY_CHARGED: { value: 'fully_charged', description: 'The vehicle is fully charged.' },
    INTERNAL_ERROR: { value: 'internal_error', description: 'The partner API could not start the boost.' },
    NO_ACTIVE_SESSION: { value: 'no_active_session', description: 'Electric vehicles only: there is no charging session Podero steers (e.g. the car is plugged in away from home).' },
  } as const,
});

export const OptimizationLevelEnum = builder.enumType('OptimizationLevel', {
  description: "How hard a heat pump's smart optimisation may shift its consumption (upstream Low/Mid/Max). A level the partner API adds later is served as UNKNOWN.",
  values: {
    LOW: { value: 'Low', description: 'Little shifting: comfort first.' },
    MID: { value: 'Mid', description: 'Balanced.' },
    MAX: { value: 'Max', description: 'Most shifting: savings first.' },
    UNKNOWN: { value: 'unknown', description: 'A level this gateway does not know (only ever read, never written).' },
  } as const,
});

export const UserRoleEnum = builder.enumType('UserRole', {
  description: "A user's role in the organization.",
  values: {
    ADMIN: { value: 'admin', description: 'Administers the organization (and its team).' },
    STAFF: { value: 'staff', description: "A member of the partner's team: reads and steers every user's devices." },
    USER: { value: 'user', description: 'An end user: a customer with devices.' },
  } as const,
});
