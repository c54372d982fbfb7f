// Builds the process-wide PartnerApi from configuration: one keep-alive Agent, one credentials source.
import type { UpstreamAuth } from '../config.js';
import type { Logger } from '../logger.js';
import { ClientCredentials, passThrough, staticToken, type Credentials } from './auth.js';
import { PartnerApi, createAgent } from './client.js';

export interface PartnerApiSettings {
  apiUrl: URL;
  auth: UpstreamAuth;
  timeoutMs: number;
  logger: Logger;
  /** The clock token expiry is judged by (tests move it instead of waiting). */
  now?: () => number;
}

export function createPartnerApi({ apiUrl, auth, timeoutMs, logger, now }: PartnerApiSettings): { api: PartnerApi; close(): Promise<void> } {
  const dispatcher = createAgent();
  let credentials: Credentials;
  switch (auth.mode) {
    case 'static-token':
      credentials = staticToken(auth.token);
      break;
    case 'client-credentials':
      credentials = new ClientCredentials({ ...auth, dispatcher, timeoutMs, logger, ...(now ? { now } : {}) });
      break;
    case 'pass-through':
      credentials = passThrough();
      break;
  }
  const api = new PartnerApi({ baseUrl: apiUrl, credentials, timeoutMs, dispatcher, logger });
  return { api, close: () => dispatcher.close() };
}

export { PartnerApi, ApiSession } from './client.js';
export { UpstreamError } from './errors.js';
