// `npm run simulator`: the partner API simulator on its own, for trying the API by hand or pointing a
// gateway (or a benchmark peer) at it:  PODERO_API_URL=http://127.0.0.1:4010/api/partners/v2.0
import { parseArgs } from 'node:util';
import { DEMO_CLIENT, DEMO_TOKEN, startSimulator } from './server.js';
import { WALLBOX_IDS, USER_IDS } from './seed.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    'token-expires-in': { type: 'string', default: '36000' },
    'fault-seed': { type: 'string' },
  },
});

// The simulator is a module of its own (it imports nothing of the gateway's): the gateway's logger.ts
// guards its stdout the same way. A reader that went away (`npm run simulator | head`) must not crash
// the process with EPIPE: one note on stderr, and stdout's output is dropped from then on.
process.stderr.on('error', () => {});
process.stdout.once('error', (error: NodeJS.ErrnoException) => {
  process.stdout.on('error', () => {});
  process.stderr.write(`stdout failed (${error.code ?? error.message}): output to stdout is dropped from now on\n`);
});
const simulator = await startSimulator({
  port: Number(values.port),
  host: values.host,
  tokenExpiresInS: Number(values['token-expires-in']),
  ...(values['fault-seed'] !== undefined && { faultSeed: Number(values['fault-seed']) }),
}).catch((error: NodeJS.ErrnoException) => {
  // One line naming the option to change, as the gateway does for PORT, not a stack trace.
  const line =
    error.code === 'EADDRINUSE'
      ? `port ${values.port} is already in use: pass a free one, e.g. npm run simulator -- --port 4011`
      : `cannot listen on ${values.host}:${values.port} (${error.message}): check --host and --port`;
  process.stderr.write(`${line}\n`);
  process.exit(1);
});

process.stdout.write(`Partner API simulator listening

  API base     ${simulator.apiUrl.href}
  Token URL    ${simulator.tokenUrl.href}   (client id "${DEMO_CLIENT.clientId}", secret "${DEMO_CLIENT.clientSecret}")
  Static token ${DEMO_TOKEN}
  Admin        ${new URL('/_simulator', simulator.url).href}/...   counts, status-counts (GET), reset (POST),
               faults (GET/POST/DELETE; POST takes one fault as JSON, e.g. {"methods":["GET"],"status":503,"probability":0.1}),
               wallboxes/{id}/plug-in, wallboxes/{id}/unplug, claim-tokens/{token}/pair,
               electric-vehicles/{id}/plug-in ({"at_home": false} for away), electric-vehicles/{id}/unplug (POST)

  curl -H 'Authorization: Bearer ${DEMO_TOKEN}' \\
    ${simulator.apiUrl.href}/org/${simulator.seed.orgId}/users/${USER_IDS.anna}/wallboxes/${WALLBOX_IDS.full}
`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void simulator.close().then(() => process.exit(0)));
}
