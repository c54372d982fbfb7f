// Device kinds do not depend on import order (src/schema/device-kinds.ts): with the kinds' files
// imported first, in any order, the schema is the one the index alone builds, each kind's devices
// resolve to its type, and Owner.devices asks for the listed kinds in the same order.
import { assertInterfaceType, execute, lexicographicSortSchema, parse, printSchema, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { describe, expect, it, vi } from 'vitest';

const FILES = {
  wallbox: () => import('../../src/schema/wallbox.js'),
  heatPump: () => import('../../src/schema/heat-pump.js'),
  electricVehicle: () => import('../../src/schema/electric-vehicle.js'),
  inverter: () => import('../../src/schema/inverter.js'),
  building: () => import('../../src/schema/building.js'),
};
type File = keyof typeof FILES;

const ORG = '00000000-0000-4000-8000-000000000001';
const USER = '00000000-0000-4000-8000-000000000002';

/** A fresh module graph: the given files first, then the index, as a consumer importing them so would see it. */
async function build(first: File[]) {
  vi.resetModules();
  for (const file of first) await FILES[file]();
  const { schema } = await import('../../src/schema/index.js');
  const { DEVICE_KINDS } = await import('../../src/schema/device-kinds.js');
  return { schema, kinds: DEVICE_KINDS };
}

/** `user { devices { __typename } }` against loaders that answer one device per listed kind, recording which kinds were asked for. */
async function ownerDevices(schema: GraphQLSchema) {
  const asked: string[] = [];
  const loaders = {
    user: { load: (key: { orgId: string; userId: string }) => Promise.resolve({ id: key.userId, orgId: key.orgId }) },
    devices: (spec: { kind: string }) => ({
      load: () => {
        asked.push(spec.kind);
        return Promise.resolve([{ kind: spec.kind, id: USER, orgId: ORG, owner: { id: USER, orgId: ORG } }]);
      },
    }),
  };
  const result = await execute({
    schema,
    document: parse(`{ user(id: "${USER}") { devices { __typename } } }`),
    contextValue: { caller: { kind: 'organization', address: undefined }, defaultOrgId: ORG, loaders },
  });
  expect(result.errors).toBeUndefined();
  const data = result.data as { user: { devices: { __typename: string }[] } };
  return { asked, typenames: data.user.devices.map((d) => d.__typename) };
}

describe('device kinds', () => {
  it('key every entry by the kind its devices carry', async () => {
    const { kinds } = await build([]);
    for (const [kind, entry] of Object.entries(kinds)) expect(entry.spec.kind).toBe(kind);
  });

  it('build the same schema, resolve the same types and list the same kinds whichever kind file is imported first', async () => {
    const index = await build([]);
    const expected = { sdl: printSchema(lexicographicSortSchema(index.schema)), devices: await ownerDevices(index.schema) };
    expect(expected.devices).toEqual({ asked: ['heat_pump', 'electric_vehicle', 'inverter'], typenames: ['HeatPump', 'ElectricVehicle', 'Inverter'] });

    const orders: File[][] = [
      ['inverter', 'electricVehicle', 'heatPump', 'wallbox'],
      ['building', 'heatPump'],
      ['electricVehicle', 'wallbox', 'inverter'],
    ];
    for (const order of orders) {
      const { schema, kinds } = await build(order);
      expect(printSchema(lexicographicSortSchema(schema)), order.join(', ')).toBe(expected.sdl);
      expect(await ownerDevices(schema), order.join(', ')).toEqual(expected.devices);
      // Every kind, the wallbox too (no list serves one), resolves to its own type.
      const device = assertInterfaceType(schema.getType('Device'));
      for (const [kind, entry] of Object.entries(kinds)) {
        expect(await device.resolveType!({ kind }, {}, {} as GraphQLResolveInfo, device), order.join(', ')).toBe(entry.name);
      }
    }
  });
});
