// The seeded organization and its people: six end users who own devices, a staff member and an
// administrator of the energy company, and one end user who was soft-deleted. User records carry every
// field of the user response.
// https://developers.podero.com/partner-api/user-journeys/back-office/team-administration
// https://developers.podero.com/partner-api/getting-started/create-user
import { createHash } from 'node:crypto';
import type { Json } from '../records.js';

/** A stable UUID (version 5 layout) derived from a name. */
export function seedId(name: string): string {
  const h = createHash('sha1').update(`podero-simulator:${name}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A stable number in [0, 1) derived from a name, for seeded values that should look varied. */
export function seedFraction(name: string): number {
  return parseInt(createHash('sha1').update(`podero-simulator:${name}`).digest('hex').slice(0, 8), 16) / 2 ** 32;
}

export const ORG_ID = seedId('org:voltwerk-energie');

export interface Person {
  key: string;
  first: string;
  last: string;
  email: string;
  externalId: string | null;
  street: string;
  zip: string;
  town: string;
  country: string;
  lat: number;
  lon: number;
}

export const PEOPLE: Person[] = [
  { key: 'anna', first: 'Anna', last: 'Berger', email: 'anna.berger@example.at', externalId: 'VW-100231', street: 'Mariahilfer Straße 88', zip: '1070', town: 'Wien', country: 'AT', lat: 48.1985, lon: 16.3459 },
  { key: 'jonas', first: 'Jonas', last: 'Lindqvist', email: 'jonas.lindqvist@example.se', externalId: 'VW-100232', street: 'Storgatan 14', zip: '722 12', town: 'Västerås', country: 'SE', lat: 59.6099, lon: 16.5448 },
  { key: 'lukas', first: 'Lukas', last: 'Hofmann', email: 'l.hofmann@example.de', externalId: 'VW-100233', street: 'Lindenallee 3', zip: '50968', town: 'Köln', country: 'DE', lat: 50.9073, lon: 6.9619 },
  { key: 'giulia', first: 'Giulia', last: 'Romano', email: 'giulia.romano@example.it', externalId: null, street: 'Via Solferino 21', zip: '20121', town: 'Milano', country: 'IT', lat: 45.4781, lon: 9.1866 },
  { key: 'sofia', first: 'Sofia', last: 'Ferreira', email: 'sofia.ferreira@example.pt', externalId: 'VW-100235', street: 'Rua de Santa Catarina 512', zip: '4000-446', town: 'Porto', country: 'PT', lat: 41.1496, lon: -8.6067 },
  { key: 'oliver', first: 'Oliver', last: 'Hughes', email: 'oliver.hughes@example.co.uk', externalId: 'VW-100236', street: '27 Mill Lane', zip: 'CB2 1RX', town: 'Cambridge', country: 'GB', lat: 52.2011, lon: 0.1181 },
];

export const [anna, jonas, lukas, giulia, sofia, oliver] = PEOPLE as [Person, Person, Person, Person, Person, Person];

/** The end users, who own the seeded devices. */
export const USER_IDS = Object.fromEntries(PEOPLE.map((p) => [p.key, seedId(`user:${p.key}`)])) as Record<string, string>;

/** The energy company's own people: they own no devices. */
export const TEAM_USER_IDS = {
  staff: seedId('user:staff-mara'),
  admin: seedId('user:admin-peter'),
} as const;

/** An end user who was soft-deleted: only the user list with include_deleted shows them. */
export const DELETED_USER_ID = seedId('user:felix');

const LOCATED_AT = '2026-03-02T09:15:00Z';

function userRecord(p: Person): Json {
  return {
    id: USER_IDS[p.key],
    external_user_id: p.externalId,
    role: 'user',
    email: p.email,
    first_name: p.first,
    last_name: p.last,
    street_and_number: p.street,
    street_add_info: null,
    zip_code: p.zip,
    town: p.town,
    country: p.country,
    latitude: p.lat,
    longitude: p.lon,
    location_last_updated: LOCATED_AT,
  };
}

/** A user with no address: what a team member created by invitation looks like. */
function teamRecord(id: string, role: 'staff' | 'admin', first: string, last: string, email: string): Json {
  return {
    id,
    external_user_id: null,
    role,
    email,
    first_name: first,
    last_name: last,
    street_and_number: null,
    street_add_info: null,
    zip_code: null,
    town: null,
    country: null,
    latitude: null,
    longitude: null,
    location_last_updated: null,
  };
}

/** Every seeded user, end users first. */
export function userRecords(): Json[] {
  return [
    ...PEOPLE.map(userRecord),
    teamRecord(TEAM_USER_IDS.staff, 'staff', 'Mara', 'Köhler', 'mara.koehler@voltwerk.example'),
    teamRecord(TEAM_USER_IDS.admin, 'admin', 'Peter', 'Gruber', 'peter.gruber@voltwerk.example'),
    {
      ...userRecord({ key: 'felix', first: 'Felix', last: 'Wagner', email: 'felix.wagner@example.at', externalId: 'VW-100219', street: 'Hauptplatz 5', zip: '8010', town: 'Graz', country: 'AT', lat: 47.0707, lon: 15.4395 }),
      id: DELETED_USER_ID,
      // The user response shows no deletion field; the devices' `deleted_at` is assumed for users too.
      deleted_at: '2026-06-30T09:00:00Z',
    },
  ];
}

/** The `owner` object embedded in a device. */
export function owner(p: Person): Json {
  return { id: USER_IDS[p.key], email: p.email, first_name: p.first, last_name: p.last, external_id: p.externalId };
}
