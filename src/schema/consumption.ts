// Energy used, as wallboxes and heat pumps report it: declared once, for both kinds' `fields`.
import type { builder } from './builder.js';
import type { ConsumptionFields } from '../upstream/devices/consumption.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** The consumption fields (a kind's builder passed as one for ConsumptionFields, which its shape extends). */
export function consumptionFields(builderOfKind: unknown) {
  const t = builderOfKind as PothosSchemaTypes.ObjectFieldBuilder<Types, ConsumptionFields>;
  return {
    consumptionLastDayKwh: t.exposeFloat('consumptionLastDayKwh', { nullable: true, description: 'Energy used over the last day, in kWh.' }),
    consumptionLastWeekKwh: t.exposeFloat('consumptionLastWeekKwh', { nullable: true, description: 'Energy used over the last week, in kWh.' }),
    consumptionLastMonthKwh: t.exposeFloat('consumptionLastMonthKwh', { nullable: true, description: 'Energy used over the last month, in kWh.' }),
    consumptionLastUpdatedAt: t.expose('consumptionLastUpdatedAt', { type: 'DateTime', nullable: true, description: 'When the consumption figures were last computed.' }),
  };
}
