// How upstream applies a partial update (PUT: "only send the fields you want to change",
// https://developers.podero.com/partner-api/user-journeys/end-user/setting-preferences): the validated
// fields land on the record under their read-side names, and time stamps follow what changed. Devices,
// users and buildings all update this way.
import type { Json } from '../records.js';

/** The record with `values` written over it; a write-side name in `readNames` is stored under its read-side name. */
export function merged(before: Json, values: Record<string, unknown>, readNames: Record<string, string> = {}): Json {
  const after: Json = { ...before };
  for (const [field, value] of Object.entries(values)) after[readNames[field] ?? field] = value;
  return after;
}

/** Sets each stamp field of `stamps` to `at` when any of the fields it follows differs between the two records. */
export function stampChanges(before: Json, after: Json, stamps: Record<string, string[]>, at: string): void {
  for (const [stamp, fields] of Object.entries(stamps)) {
    if (fields.some((field) => after[field] !== before[field])) after[stamp] = at;
  }
}
