// The seeded buildings (https://developers.podero.com/api-reference/user-buildings/get-details-about-a-building):
// one home per end user, Anna's holiday home, and Jonas's cabin with nothing but its name. The devices'
// `building` fields point at these.
import type { SeedBuilding } from '../records.js';
import { anna, giulia, jonas, lukas, oliver, ORG_ID, PEOPLE, seedId, sofia, USER_IDS, type Person } from './people.js';

export const BUILDING_IDS = {
  ...(Object.fromEntries(PEOPLE.map((p) => [p.key, seedId(`building:${p.key}`)])) as Record<'anna' | 'jonas' | 'lukas' | 'giulia' | 'sofia' | 'oliver', string>),
  /** Anna's second home: her carport wallbox is there. */
  annaHolidayHome: seedId('building:anna-holiday-home'),
  /** Only the required name; everything else null. */
  jonasCabin: seedId('building:jonas-cabin'),
} as const;

interface Home {
  name: string;
  property_type: string | null;
  occupant_type: string | null;
  space_heating: string | null;
  water_heating: string | null;
  property_size_m2: number | null;
  property_age: number | null;
  num_occupants: number | null;
  photovoltaic: boolean | null;
}

/** A building record with every field, in the order upstream answers them. */
function building(id: string, p: Person, home: Home, address: Partial<Record<'street_and_number' | 'street_add_info' | 'zip_code' | 'town' | 'country', string | null>> = {}): SeedBuilding {
  return {
    orgId: ORG_ID,
    userId: USER_IDS[p.key]!,
    record: {
      id,
      ...home,
      street_and_number: p.street,
      street_add_info: null,
      zip_code: p.zip,
      town: p.town,
      country: p.country,
      ...address,
    },
  };
}

const NOTHING_KNOWN: Omit<Home, 'name'> = {
  property_type: null,
  occupant_type: null,
  space_heating: null,
  water_heating: null,
  property_size_m2: null,
  property_age: null,
  num_occupants: null,
  photovoltaic: null,
};

export function buildingRecords(): SeedBuilding[] {
  return [
    building(BUILDING_IDS.anna, anna, { name: 'Wohnung Mariahilf', property_type: 'Flat', occupant_type: 'Family', space_heating: 'Heat pump', water_heating: 'Heat pump', property_size_m2: 96, property_age: 42, num_occupants: 3, photovoltaic: true }, { street_add_info: 'Stiege 2, Top 14' }),
    building(BUILDING_IDS.annaHolidayHome, anna, { name: 'Ferienhaus Zell am See', property_type: 'Detached', occupant_type: null, space_heating: 'Electric heating', water_heating: 'Electric boiler', property_size_m2: 140, property_age: 18, num_occupants: 2, photovoltaic: false }, { street_and_number: 'Schmittenstraße 12', zip_code: '5700', town: 'Zell am See' }),
    building(BUILDING_IDS.jonas, jonas, { name: 'Villa Storgatan', property_type: 'Detached', occupant_type: null, space_heating: 'Heat pump', water_heating: 'Heat pump', property_size_m2: 165, property_age: 31, num_occupants: 4, photovoltaic: false }),
    building(BUILDING_IDS.jonasCabin, jonas, { name: 'Stuga', ...NOTHING_KNOWN }, { street_and_number: null, zip_code: null, town: null, country: null }),
    building(BUILDING_IDS.lukas, lukas, { name: 'Reihenhaus Lindenallee', property_type: 'Terraced', occupant_type: null, space_heating: 'Heat pump', water_heating: 'Heat pump', property_size_m2: 128, property_age: 9, num_occupants: 4, photovoltaic: true }),
    building(BUILDING_IDS.giulia, giulia, { name: 'Casa Solferino', property_type: 'Semi-detached', occupant_type: null, space_heating: 'Heat pump', water_heating: 'Gas boiler', property_size_m2: 110, property_age: 65, num_occupants: 2, photovoltaic: true }),
    building(BUILDING_IDS.sofia, sofia, { name: 'Apartamento Santa Catarina', property_type: 'Flat', occupant_type: 'Students', space_heating: 'Heat pump', water_heating: 'Heat pump', property_size_m2: 84, property_age: 57, num_occupants: 3, photovoltaic: false }),
    building(BUILDING_IDS.oliver, oliver, { name: 'Mill Lane Cottage', property_type: 'End-terrace', occupant_type: null, space_heating: 'Gas boiler', water_heating: 'Gas boiler', property_size_m2: 92, property_age: 104, num_occupants: 2, photovoltaic: true }),
  ];
}
