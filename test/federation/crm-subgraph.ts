// A second, small subgraph for the federation tests: the energy company's CRM. It knows customers
// (by the partner API's user id), service tickets about wallboxes and maintenance contracts for the
// other device kinds, and adds its own fields to the gateway's `Owner` and device entities.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';

export const CRM_TYPE_DEFS = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

  scalar UUID

  type Owner @key(fields: "id") {
    id: UUID!
    customerNumber: String!
    tariff: Tariff
  }

  type Tariff {
    name: String!
    centsPerKwh: Float!
  }

  type Wallbox @key(fields: "id owner { id }") {
    id: UUID!
    owner: Owner!
    installer: String
  }

  type HeatPump @key(fields: "id owner { id }") {
    id: UUID!
    owner: Owner!
    contractNumber: String
  }

  type ElectricVehicle @key(fields: "id owner { id }") {
    id: UUID!
    owner: Owner!
    contractNumber: String
  }

  type Inverter @key(fields: "id owner { id }") {
    id: UUID!
    owner: Owner!
    contractNumber: String
  }

  "A maintenance contract for one device, of whatever kind."
  type MaintenanceContract {
    number: String!
    heatPump: HeatPump
    electricVehicle: ElectricVehicle
    inverter: Inverter
  }

  type ServiceTicket {
    id: ID!
    subject: String!
    "Nullable: when the wallbox cannot be read, the ticket is still served."
    wallbox: Wallbox
  }

  type Query {
    serviceTickets: [ServiceTicket!]!
    customers: [Owner!]!
    maintenanceContracts: [MaintenanceContract!]!
  }
`);

export interface CrmData {
  customers: { id: string; customerNumber: string; tariff: { name: string; centsPerKwh: number } | null }[];
  tickets: { id: string; subject: string; wallbox: { id: string; owner: { id: string } } }[];
  installers: Record<string, string>;
  /** Maintenance contracts, each for one device of a kind (`heatPump`, `electricVehicle` or `inverter`). */
  contracts?: { number: string; kind: 'heatPump' | 'electricVehicle' | 'inverter'; device: { id: string; owner: { id: string } } }[];
}

export async function startCrmSubgraph(data: CrmData): Promise<{ url: string; close(): Promise<void> }> {
  const schema = buildSubgraphSchema({
    typeDefs: CRM_TYPE_DEFS,
    resolvers: {
      Query: {
        serviceTickets: () => data.tickets,
        customers: () => data.customers,
        maintenanceContracts: () => (data.contracts ?? []).map((c) => ({ number: c.number, [c.kind]: c.device })),
      },
      Owner: {
        __resolveReference: (ref: { id: string }) => data.customers.find((c) => c.id === ref.id) ?? null,
      },
      Wallbox: {
        __resolveReference: (ref: { id: string; owner: { id: string } }) => ref,
        installer: (wallbox: { id: string }) => data.installers[wallbox.id] ?? null,
      },
      ...Object.fromEntries(
        (['HeatPump', 'ElectricVehicle', 'Inverter'] as const).map((type) => [
          type,
          {
            __resolveReference: (ref: { id: string; owner: { id: string } }) => ref,
            contractNumber: (device: { id: string }) => data.contracts?.find((c) => c.device.id === device.id)?.number ?? null,
          },
        ]),
      ),
    },
  });
  const yoga = createYoga({ schema, logging: false });
  const server: Server = createServer(yoga.requestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
