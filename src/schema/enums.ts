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
