import { builder } from './builder.js';
import { PRICE_ZONES } from '../upstream/wallboxes.js';

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
  description: 'Where a wallbox stands with "charge now" (boost). A state the partner API adds later is served as UNKNOWN.',
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
  } as const,
});
