// Partial updates (PUT, and the POSTs that create with a body). The gateway names a setting by the
// field it changes (camelCase); upstream's body by its write-side name (snake_case, not always the read
// side's: `building_id`, `country_iso2`). One name map per write serves both ways: the body sent, and
// upstream's validation messages named back by the gateway's input field.
import { UpstreamError } from './errors.js';

/** Gateway name -> upstream write-side name. */
export type SettingNames = ReadonlyMap<string, string>;

/**
 * Sends `settings` through `write` as a body of upstream names — an explicit null is sent as null, an
 * absent setting not at all (dates go as RFC 3339 through JSON.stringify) — and names upstream's
 * validation messages by gateway field.
 */
export async function writeSettings<T>(names: SettingNames, settings: object, write: (body: Record<string, unknown>) => Promise<T>): Promise<T> {
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(settings)) if (value !== undefined) body[names.get(name) ?? name] = value;
  try {
    return await write(body);
  } catch (error) {
    throw withFieldNames(error, names);
  }
}

/** Upstream's validation messages (`detail[].loc = ["body", "<field>"]`), named by the gateway's input fields. */
function withFieldNames(error: unknown, names: SettingNames): unknown {
  if (!(error instanceof UpstreamError) || !Array.isArray(error.detail)) return error;
  const gatewayName = new Map([...names].map(([gateway, upstream]) => [upstream, gateway]));
  const fields = (error.detail as { loc?: unknown[]; msg?: string }[])
    .filter((d) => typeof d.msg === 'string')
    .map((d) => {
      const upstream = d.loc?.at(-1);
      const field = typeof upstream === 'string' ? (gatewayName.get(upstream) ?? upstream) : undefined;
      return { ...(field ? { field } : {}), message: d.msg! };
    });
  if (fields.length === 0) return error;
  const summary = fields.map((f) => (f.field ? `${f.field}: ${f.message}` : f.message)).join('; ');
  return new UpstreamError(error.code, `${error.message}: ${summary}`, { status: error.status, detail: error.detail, fields, cause: error });
}
