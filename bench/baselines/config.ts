// The baselines read the gateway's own variables, so the harness starts every server under test with
// the same environment: PODERO_API_URL, PODERO_ACCESS_TOKEN, PODERO_ORG_ID, PORT, HOST.
export interface BaselineConfig {
  /** The API base without a trailing slash, e.g. http://127.0.0.1:4010/api/partners/v2.0 */
  apiUrl: string;
  token: string;
  orgId: string;
  port: number;
  host: string;
}

export function baselineConfig(env: Record<string, string | undefined> = process.env): BaselineConfig {
  const need = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) throw new Error(`${name} must be set (the baselines run only against a configured partner API)`);
    return value;
  };
  return {
    apiUrl: need('PODERO_API_URL').replace(/\/+$/, ''),
    token: need('PODERO_ACCESS_TOKEN'),
    orgId: need('PODERO_ORG_ID'),
    port: Number(env.PORT ?? 4000),
    host: env.HOST ?? '127.0.0.1',
  };
}
