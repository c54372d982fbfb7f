// The floor of `npm run bench`: the least a Node process can spend on this job. node:http and no GraphQL
// at all: it answers only the benchmark's operation (bench/query.graphql), whatever the query text says,
// taking the wallbox ids from `variables`, reading the two distinct wallboxes with undici's request()
// (the query names `first` twice; it is read once) and writing the answer the gateway writes, byte for
// byte, with one JSON.stringify of an object built in the query's field order. The value mapping is the
// GraphQL baselines' (wallbox-values.ts), which imports no graphql-js.
import { createServer } from 'node:http';
import { baselineConfig } from './config.js';
import { undiciWallboxReader } from './undici-wallbox.js';
import { actionTypename, boostState, deviceStatus, priceZone, type UpstreamAction, type UpstreamWallbox } from './wallbox-values.js';

const config = baselineConfig();
const getWallbox = undiciWallboxReader(config, (statusCode) => new Error(`The partner API answered ${statusCode}`));

/** graphql-scalars' DateTime serializes a date-time string as `new Date(value)`, written by JSON as toISOString(): https://the-guild.dev/graphql/scalars/docs/scalars/date-time */
const dateTime = (value: string | null) => (value === null ? null : new Date(value));

const link = (l: UpstreamAction['resolution_link']) => l && { url: l.url, requiredParameters: l.required_parameters };

/** fragment WallboxCard */
const card = (w: UpstreamWallbox) => ({
  id: w.id,
  connectionStatus: deviceStatus(w.connection_status),
  monitoringStatus: deviceStatus(w.monitoring_status),
  steeringStatus: deviceStatus(w.steering_status),
  actionNeeded: w.action_needed,
  isPluggedIn: w.is_plugged_in,
  isCharging: w.is_charging,
  chargeRateW: w.charge_rate_w,
  deviceModel: {
    manufacturer: w.device_model.manufacturer,
    model: w.device_model.model,
    deviceType: { shortName: w.device_model.device_type.short_name, longName: w.device_model.device_type.long_name },
  },
  owner: { id: w.owner.id, firstName: w.owner.first_name, lastName: w.owner.last_name },
});

/** fragment WallboxDetail; an action's link is `resolutionLink` on ReauthenticateAction, aliased `link` on UnknownAction. */
const detail = (w: UpstreamWallbox) => ({
  id: w.id,
  priceZone: priceZone(w.price_zone),
  chargeTargetMin: w.charge_target_min,
  chargeTargetMax: w.charge_target_max,
  chargePowerMaxW: w.charge_power_max_w,
  pausePowerUntil: dateTime(w.pause_power_until),
  isPausePowerActive: w.is_pause_power_active,
  boostState: boostState(w.boost_state),
  consumptionLastDayKwh: w.consumption_last_day_kwh,
  updatedAt: dateTime(w.updated_at),
  actions: w.actions.map((a) =>
    actionTypename(a) === 'ReauthenticateAction' ? { code: a.code, resolutionLink: link(a.resolution_link) } : { code: a.code, link: link(a.resolution_link) },
  ),
});

async function answer(body: string): Promise<string> {
  const { userId, first, second } = (JSON.parse(body) as { variables: { userId: string; first: string; second: string } }).variables;
  const read = (id: string) => getWallbox({ orgId: config.orgId, userId, id, includeDeleted: false });
  const [a, b] = await Promise.all([read(first), read(second)]);
  return JSON.stringify({ data: { first: card(a), second: card(b), selected: detail(a) } });
}

createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/graphql') {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    answer(Buffer.concat(chunks).toString()).then(
      (json) => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(json),
      (error: unknown) =>
        res.writeHead(error instanceof SyntaxError ? 400 : 502, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ errors: [{ message: String(error) }] })),
    );
  });
}).listen(config.port, config.host, () => {
  process.stdout.write(`floor (node:http, no GraphQL) listening on http://${config.host}:${config.port}/graphql\n`);
});
