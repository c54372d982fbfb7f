// Energy used, as wallboxes and heat pumps report it: the one fragment of fields both kinds add.
import type { Fields } from '../decode.js';

export interface ConsumptionFields {
  consumptionLastDayKwh: number | null;
  consumptionLastWeekKwh: number | null;
  consumptionLastMonthKwh: number | null;
  consumptionLastUpdatedAt: Date | null;
}

export function decodeConsumption(f: Fields): ConsumptionFields {
  return {
    consumptionLastDayKwh: f.number('consumption_last_day_kwh'),
    consumptionLastWeekKwh: f.number('consumption_last_week_kwh'),
    consumptionLastMonthKwh: f.number('consumption_last_month_kwh'),
    consumptionLastUpdatedAt: f.dateTime('consumption_last_updated_at'),
  };
}
