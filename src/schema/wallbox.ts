// Wallbox: a Device (device.ts) with charging (charging.ts) and the fields only wallboxes have, every
// field of the partner API's wallbox detail response
// (https://developers.podero.com/api-reference/user-wallboxes/get-details-about-a-users-wallbox). The
// snake_case -> camelCase mapping happens once, in src/upstream/.
import { checkChargingSettings, chargingFields, chargingSettingFields } from './charging.js';
import { consumptionFields } from './consumption.js';
import { deviceKind } from './device.js';
import { DEVICE_KINDS } from './device-kinds.js';

export const WallboxRef = deviceKind(DEVICE_KINDS.wallbox, {
  description: "An EV wallbox (charger) of one of the organization's users, as the partner API reports it. (The partner API cannot list a user's wallboxes: ask for one by id.)",
  fields: (t) => ({
    ...chargingFields(t),
    chargePowerMaxW: t.exposeInt('chargePowerMaxW', { description: 'Maximum charge power, in watts (upstream default 7000).' }),
    chargeDeadlineAt: t.expose('chargeDeadlineAt', { type: 'DateTime', nullable: true, description: 'When the charge target must be reached.' }),
    isOverChargeAllowed: t.exposeBoolean('isOverChargeAllowed', { nullable: true, description: 'Whether charging beyond the upper target is allowed when it is cheap.' }),
    chargeTimeRemaining: t.exposeInt('chargeTimeRemaining', { nullable: true, description: 'Remaining charge time as upstream reports it (unit undocumented; minutes in the simulator).' }),
    isFullyCharged: t.exposeBoolean('isFullyCharged', { nullable: true, description: 'Whether the connected vehicle is fully charged.' }),
    chargeStateLastUpdatedAt: t.expose('chargeStateLastUpdatedAt', { type: 'DateTime', nullable: true, description: 'When the charge state was last refreshed.' }),
    ...consumptionFields(t),
    needsGateway: t.exposeBoolean('needsGateway', { nullable: true, description: 'Whether the wallbox needs a local gateway to be reached.' }),
  }),
  settings: {
    fields: (t) => ({
      ...chargingSettingFields(t),
      chargePowerMaxW: t.int({ description: 'Maximum charge power, watts (> 0; not null).' }),
      chargeDeadlineAt: t.field({ type: 'DateTime', description: 'When the charge target must be reached.' }),
      isOverChargeAllowed: t.boolean({ description: 'Allow charging beyond the upper target when it is cheap.' }),
    }),
    notNull: ['chargePowerMaxW'],
    check: (settings, problems) => {
      checkChargingSettings(problems);
      if (typeof settings.chargePowerMaxW === 'number' && settings.chargePowerMaxW <= 0) problems.add('chargePowerMaxW', 'must be more than 0 watts');
    },
  },
});
