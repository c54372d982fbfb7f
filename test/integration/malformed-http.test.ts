// Malformed HTTP, sent byte for byte over a raw socket (a client library would fix or refuse most of
// it before it left): whatever part is wrong — the Host header, the request target, the method, a
// header, the body — the answer is a 4xx with a JSON body and a code, never a stack trace or a file
// path, never more than a few words of what the caller sent, and the gateway keeps serving.
import { connect, type AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { Metrics } from '../../src/observability/metrics.js';
import { Lifecycle, createGatewayServer, createMetricsServer } from '../../src/server.js';
import { apiCalls, startStack } from '../helpers/stack.js';

const { sim, gateway, close } = await startStack();
const port = Number(new URL(gateway.url).port);
afterEach(() => sim.resetCounts());
afterAll(close);

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Everything the server sent, as it sent it. */
  raw: string;
}

/** The response parsed once all of it has arrived (Content-Length, or the last chunk), else undefined. */
function parse(bytes: Buffer): RawResponse | undefined {
  const raw = bytes.toString('latin1');
  const end = raw.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  const rest = bytes.subarray(Buffer.byteLength(raw.slice(0, end + 4), 'latin1'));
  let body: Buffer | undefined;
  if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    if (rest.length >= length) body = rest.subarray(0, length);
  } else if (headers['transfer-encoding'] === 'chunked') {
    body = unchunked(rest);
  } else {
    return undefined; // read until the server closes
  }
  return body && { status: Number(statusLine!.split(' ')[1]), headers, body: body.toString('utf8'), raw };
}

/** A chunked body once its last chunk arrived. */
function unchunked(bytes: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
    if (size === 0) return Buffer.concat(parts);
    if (bytes.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/** Sends `request` as it is and resolves with the response once it is complete, or the server closed. */
function send(request: string, to = port): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = connect(to, '127.0.0.1', () => socket.write(Buffer.from(request, 'latin1')));
    const settle = (closed: boolean) => {
      if (settled) return;
      const response = parse(Buffer.concat(chunks));
      if (!response && !closed) return;
      settled = true;
      socket.destroy();
      if (response) resolve(response);
      else reject(new Error(`the connection closed without a complete response: ${JSON.stringify(Buffer.concat(chunks).toString('latin1').slice(0, 300))}`));
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      settle(false);
    });
    // The server may close while the rest of a refused request is still being written.
    socket.on('error', () => undefined);
    socket.on('close', () => settle(true));
  });
}

const CLOSE = 'Connection: close\r\n';
const BODY = '{"query":"{ __typename }"}';
const get = (host: string, target = '/graphql?query=%7B__typename%7D') => `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nAccept: application/json\r\n${CLOSE}\r\n`;
const post = (host: string, body = BODY, headers = '') =>
  `POST /graphql HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}${CLOSE}\r\n${body}`;

/** A refusal as promised: the status, a JSON body with a code, nothing of the gateway's insides or the caller's text. */
function expectRefused(response: RawResponse, status: number, code = 'BAD_REQUEST', callerText?: string): void {
  expect(response.status, response.raw.slice(0, 400)).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(response.body) as { data?: unknown; errors: { message: string; extensions: { code: string } }[] };
  expect(body.data).toBeUndefined();
  expect(body.errors.length).toBeGreaterThan(0);
  for (const error of body.errors) {
    expect(error.extensions.code, error.message).toBe(code);
    expect(error.message.length).toBeLessThan(200);
  }
  for (const leak of [/\bat \S+ \(/, /^\s+at /m, /\/src\//, /\.ts:/, /\.js:\d/, /node_modules/, /\/work\//]) expect(response.body).not.toMatch(leak);
  if (callerText !== undefined) expect(response.body).not.toContain(callerText);
  expect(apiCalls(sim)).toBe(0);
}

async function expectStillServing(): Promise<void> {
  const health = await send(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${CLOSE}\r\n`);
  expect(health.status).toBe(200);
  expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
}

describe('a Host header or request target that forms no URL: refused before yoga builds one', () => {
  const hosts = ['x:99999', 'a b', '%zz', '[::1', 'evil.example/path?', 'user@evil.example', '999.1.1.1'];
  const cases: [string, string][] = hosts.flatMap((host): [string, string][] => [
    [`GET with Host ${JSON.stringify(host)}`, get(host)],
    [`POST with Host ${JSON.stringify(host)}`, post(host)],
    [`GET /health with Host ${JSON.stringify(host)}`, get(host, '/health')],
  ]);

  it.each(cases)('%s', async (_label, request) => {
    expectRefused(await send(request), 400);
    await expectStillServing();
  });

  it.each([
    ['HTTP/1.1 without a Host header', `GET /health HTTP/1.1\r\n${CLOSE}\r\n`],
    ['an empty Host header', `GET /health HTTP/1.1\r\nHost: \r\n${CLOSE}\r\n`],
    ['two Host headers', `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n${CLOSE}\r\n`],
    ['an absolute-form target', `GET http://127.0.0.1/graphql?query=%7B__typename%7D HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${CLOSE}\r\n`],
    ['an asterisk target', `OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n${CLOSE}\r\n`],
  ])('%s', async (_label, request) => {
    expectRefused(await send(request), 400);
    await expectStillServing();
  });

  it('still serves HTTP/1.0 without a Host header, and well-formed hosts of every kind', async () => {
    const old = await send('GET /graphql?query=%7B__typename%7D HTTP/1.0\r\nAccept: application/json\r\n\r\n');
    expect(old.status, old.raw).toBe(200);
    expect(JSON.parse(old.body)).toEqual({ data: { __typename: 'Query' } });
    for (const host of ['127.0.0.1', `127.0.0.1:${port}`, 'localhost', 'gateway.internal:443', '[::1]:4000', 'podero-gateway_1']) {
      const response = await send(post(host));
      expect(response.status, `${host}: ${response.raw}`).toBe(200);
    }
  });
});

describe('what Node\'s own parser refuses: the same JSON error, not a bare status line', () => {
  it.each([
    ['an invalid method token', `G(T /health HTTP/1.1\r\nHost: 127.0.0.1\r\n${CLOSE}\r\n`, 400],
    ['a method Node does not know', `FOO /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n${CLOSE}\r\n`, 400],
    ['a target that is not a path', `GET graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n${CLOSE}\r\n`, 400],
    ['an unknown HTTP version', 'GET /health HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n', 400],
    ['a header name with a space', `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n${CLOSE}\r\n`, 400],
    ['a NUL in a header value', `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note: a\0b\r\n${CLOSE}\r\n`, 400],
    ['a Content-Length that is not a number', `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n${CLOSE}\r\n`, 400],
    ['both Content-Length and Transfer-Encoding', `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n${CLOSE}\r\n0\r\n\r\n`, 400],
    ['a chunk size that is not hexadecimal', `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n${CLOSE}\r\nzz\r\n${BODY}\r\n0\r\n\r\n`, 400],
    ['headers over 16 KiB', `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'b'.repeat(17_000)}\r\n${CLOSE}\r\n`, 431],
    ['not HTTP at all (a TLS handshake)', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03', 400],
  ])('%s', async (_label, request, status) => {
    expectRefused(await send(request), status, 'BAD_REQUEST', 'bbbbbbbbbb');
    await expectStillServing();
  });
});

describe('what yoga refuses', () => {
  it('answers a body that is not JSON with 400 BAD_REQUEST', async () => {
    const response = await send(post('127.0.0.1', '{"query": "{ __typename }"'));
    expectRefused(response, 400);
    expect(JSON.parse(response.body).errors[0].message).toBe('POST body sent invalid JSON.');
    await expectStillServing();
  });

  // Yoga adds `extensions.originalError` with V8's JSON.parse message, which quotes the body (all of
  // it, up to MAX_REQUEST_BYTES); src/plugins/use-error-codes.ts drops it.
  it('does not echo a body that is not JSON', async () => {
    const marker = 'M'.repeat(2000);
    const response = await send(post('127.0.0.1', `{"query": "${marker}"`));
    expectRefused(response, 400, 'BAD_REQUEST', marker.slice(0, 100));
  });

  it('answers other methods with 405 and a code', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const response = await send(`${method} /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\n${CLOSE}\r\n${BODY}`);
      expectRefused(response, 405);
      expect(response.headers.allow).toBe('GET, POST');
    }
    for (const method of ['TRACE', 'OPTIONS', 'PROPFIND']) expectRefused(await send(`${method} /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n${CLOSE}\r\n`), 405);
    // A tunnel request: Node would close the socket without an answer.
    expectRefused(await send(`CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n`), 405);
    await expectStillServing();
  });

  it('answers an expectation other than 100-continue with 417 and a code', async () => {
    expectRefused(await send(`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: teapot\r\n${CLOSE}\r\n`), 417);
    await expectStillServing();
  });
});

it('keeps serving GraphQL after a burst of malformed requests at once', async () => {
  await Promise.all([send(get('a b')), send(`FOO / HTTP/1.1\r\nHost: 127.0.0.1\r\n${CLOSE}\r\n`), send(post('%zz'))]);
  const { status, body } = await gateway.graphql('{ __typename }');
  expect(status).toBe(200);
  expect(body).toEqual({ data: { __typename: 'Query' } });
});

describe('the servers on their own', () => {
  const logs: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void logs.push(line) });
  const lifecycle = new Lifecycle();
  lifecycle.phase = 'ready';
  const servers = [
    createGatewayServer({ gateway: (_req, res) => void res.end('yoga'), lifecycle, metrics: undefined, logger }),
    createMetricsServer(new Metrics(), logger),
  ];
  const ports: number[] = [];
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('logs each refusal with its reason and not the caller\'s text; the metrics port answers the same way', async () => {
    for (const server of servers) {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      ports.push((server.address() as AddressInfo).port);
    }
    const [gatewayPort, metricsPort] = ports as [number, number];
    expect((await send(get('secret-host a b'), gatewayPort)).status).toBe(400);
    expect((await send(`G(T /secret-path HTTP/1.1\r\nHost: 127.0.0.1\r\n${CLOSE}\r\n`, gatewayPort)).status).toBe(400);
    const lines = logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'malformed request refused', status: 400, code: 'BAD_REQUEST', reason: 'host' }),
      expect.objectContaining({ msg: 'malformed request refused', status: 400, code: 'BAD_REQUEST', reason: 'method', parser: 'HPE_INVALID_METHOD' }),
    ]);
    expect(logs.join('\n')).not.toMatch(/secret/);

    expectRefusedOnly(await send(`GET /metrics HTTP/1.1\r\nHost: [::1\r\n${CLOSE}\r\n`, metricsPort), 400);
    expectRefusedOnly(await send(`GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n${CLOSE}\r\n`, metricsPort), 400);
    const metrics = await send(`GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n${CLOSE}\r\n`, metricsPort);
    expect(metrics.status).toBe(200);
  });

  it('never answers over a response already under way', async () => {
    // A handler that has sent its head, then a malformed chunk in the request body: the socket is
    // closed without a second status line mixed into the first response.
    const server = createGatewayServer({
      gateway: (_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).flushHeaders(),
      lifecycle,
      metrics: undefined,
      logger,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const chunks: Buffer[] = [];
      const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        // Once the head is here, the broken chunk follows.
        if (Buffer.concat(chunks).includes('\r\n\r\n')) socket.write('zz\r\n');
      });
      socket.on('error', () => undefined);
      socket.write(`POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n`);
      await new Promise<void>((resolve) => socket.on('close', () => resolve()));
      const raw = Buffer.concat(chunks).toString('latin1');
      expect(raw.match(/HTTP\/1\.1 /g)).toHaveLength(1);
      expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

/** A refusal from a server without a simulator behind it: the status and the coded JSON body. */
function expectRefusedOnly(response: RawResponse, status: number): void {
  expect(response.status, response.raw).toBe(status);
  expect(JSON.parse(response.body)).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'BAD_REQUEST' } }] });
}
