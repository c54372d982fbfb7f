// The device kinds the gateway serves, listed once: each kind's upstream spec, its names in the schema
// and the ref of its object type. Everything that needs to know the kinds reads this record — the
// Device interface's resolveType (device.ts), Owner.devices (device.ts), and each kind's file, which
// implements the ref named here (wallbox.ts, heat-pump.ts, electric-vehicle.ts, inverter.ts).
//
// The record is a constant made before any type is declared, so what it holds cannot depend on which
// file was imported first: a device finds its type by reference, the way Pothos resolves types
// (https://pothos-graphql.dev/docs/guide/interfaces), not through a map filled as files are imported.
// Making a ref declares nothing; index.ts refuses to build a schema in which a kind's file left its
// ref without a type.
import type { ImplementableObjectRef } from '@pothos/core';
import { builder } from './builder.js';
import type { Device, DeviceKind, DeviceSpec } from '../upstream/devices/device.js';
import { ELECTRIC_VEHICLE } from '../upstream/devices/electric-vehicles.js';
import { HEAT_PUMP } from '../upstream/devices/heat-pumps.js';
import { INVERTER } from '../upstream/devices/inverters.js';
import { WALLBOX } from '../upstream/devices/wallboxes.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** One kind of device, as the schema serves it. */
export interface DeviceKindEntry<Own = unknown, Settings = object> {
  spec: DeviceSpec<Own, Settings>;
  /** The GraphQL type (`HeatPump`). */
  name: string;
  /** The root field that reads one, and the Owner field that reads one of theirs (`heatPump`). */
  field: string;
  /** The Owner field that lists a user's devices of the kind (`heatPumps`); null when upstream has no list. */
  ownerField: string | null;
  /** The kind's object type, implemented by the kind's file. */
  ref: ImplementableObjectRef<Types, Device<Own>>;
}

function kind<Own, Settings>(spec: DeviceSpec<Own, Settings>, name: string, field: string, ownerField: string | null = null): DeviceKindEntry<Own, Settings> {
  if (ownerField !== null && !spec.listed) throw new Error(`${name}: the partner API has no list of them`);
  return { spec, name, field, ownerField, ref: builder.objectRef<Device<Own>>(name) };
}

/** Every kind, by the `kind` its devices carry (a kind left out does not compile). */
export const DEVICE_KINDS = {
  wallbox: kind(WALLBOX, 'Wallbox', 'wallbox'),
  heat_pump: kind(HEAT_PUMP, 'HeatPump', 'heatPump', 'heatPumps'),
  electric_vehicle: kind(ELECTRIC_VEHICLE, 'ElectricVehicle', 'electricVehicle', 'electricVehicles'),
  inverter: kind(INVERTER, 'Inverter', 'inverter', 'inverters'),
} satisfies Record<DeviceKind, unknown>;

/** The kinds upstream lists for a user, in the order Owner.devices answers them. */
export const LISTED_SPECS: readonly DeviceSpec[] = Object.values(DEVICE_KINDS)
  .filter((entry) => entry.ownerField !== null)
  .map((entry) => entry.spec);
