// Demo mode only when meant: without PODERO_API_URL the gateway serves its embedded simulator's
// made-up devices, which is what `npm start` on a fresh clone should do, and what a production
// deployment that forgot its API URL must not do.
import { expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

it('runs the demo when nothing is set (the quick start)', () => {
  expect(loadConfig({}).upstream).toEqual({ mode: 'demo' });
});

it('refuses to start with NODE_ENV=production and no PODERO_API_URL, naming both ways out', () => {
  expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
  expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/PODERO_API_URL: is not set, and NODE_ENV=production.*PODERO_DEMO=true/);
});

it('runs the demo in production when PODERO_DEMO=true says so', () => {
  expect(loadConfig({ NODE_ENV: 'production', PODERO_DEMO: 'true' }).upstream).toEqual({ mode: 'demo' });
});

it('refuses PODERO_DEMO=true beside a PODERO_API_URL', () => {
  expect(() => loadConfig({ PODERO_DEMO: 'true', PODERO_API_URL: 'https://app.podero.com/api/partners/v2.0', PODERO_ACCESS_TOKEN: 't' })).toThrow(/PODERO_DEMO: is true, but PODERO_API_URL is set/);
});

it('does not need PODERO_DEMO with a PODERO_API_URL in production', () => {
  const config = loadConfig({ NODE_ENV: 'production', PODERO_API_URL: 'https://app.podero.com/api/partners/v2.0', PODERO_ACCESS_TOKEN: 't' });
  expect(config.upstream.mode).toBe('remote');
});
