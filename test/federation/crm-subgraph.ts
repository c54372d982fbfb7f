// A second, small subgraph for the federation tests: the energy company's CRM. It knows customers
// (by the partner API's user id) and service tickets about wallboxes, and adds its own fields to the
// gateway's `Owner` and `Wallbox` entities.
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

  type ServiceTicket {
    id: ID!
    subject: String!
    "Nullable: when the wallbox cannot be read, the ticket is still served."
    wallbox: Wallbox
  }

  type Query {
    serviceTickets: [ServiceTicket!]!
    customers: [Owner!]!
  }
`);

export interface CrmData {
  customers: { id: string; customerNumber: string; tariff: { name: string; centsPerKwh: number } | null }[];
  tickets: { id: string; subject: string; wallbox: { id: string; owner: { id: string } } }[];
  installers: Record<string, string>;
}

export async function startCrmSubgraph(data: CrmData): Promise<{ url: string; close(): Promise<void> }> {
  const schema = buildSubgraphSchema({
    typeDefs: CRM_TYPE_DEFS,
    resolvers: {
      Query: {
        serviceTickets: () => data.tickets,
        customers: () => data.customers,
      },
      Owner: {
        __resolveReference: (ref: { id: string }) => data.customers.find((c) => c.id === ref.id) ?? null,
      },
      Wallbox: {
        __resolveReference: (ref: { id: string; owner: { id: string } }) => ref,
        installer: (wallbox: { id: string }) => data.installers[wallbox.id] ?? null,
      },
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
