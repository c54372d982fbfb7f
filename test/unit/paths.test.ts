// Metric labels and span names name routes, never ids: every UUID segment becomes its parameter.
import { expect, it } from 'vitest';
import fc from 'fast-check';
import { isUuid, routeTemplate } from '../../src/upstream/paths.js';

const ORG = 'c226b540-8a44-5792-9097-6417749c89ea';
const USER = '7077A6D3-1fc2-5f8e-920c-1a4fca9c3a55';
const DEVICE = '603bbb50-f1db-5501-80f1-e1be83b80c87';

it('replaces each id by the parameter its collection names, whatever its case', () => {
  expect(routeTemplate(`/org/${ORG}/users/${USER}/wallboxes/${DEVICE}`)).toBe('/org/{org_id}/users/{user_id}/wallboxes/{wallbox_id}');
  expect(routeTemplate(`/org/${ORG}/users/${USER}/heat-pumps/${DEVICE}/statistics`)).toBe('/org/{org_id}/users/{user_id}/heat-pumps/{heat_pump_id}/statistics');
  expect(routeTemplate(`/org/${ORG}/users`)).toBe('/org/{org_id}/users');
  expect(routeTemplate(`/cues/${DEVICE}`)).toBe('/cues/{cue_id}');
});

it('calls an id of an unknown collection, or one following another id, {id}', () => {
  expect(routeTemplate(`/things/${DEVICE}/${DEVICE}`)).toBe('/things/{id}/{id}');
  expect(routeTemplate(`/${DEVICE}`)).toBe('/{id}');
});

it('leaves what is not a whole UUID segment alone', () => {
  expect(routeTemplate(`/org/${ORG}x/users`)).toBe(`/org/${ORG}x/users`);
  expect(routeTemplate('/oauth2/token/')).toBe('/oauth2/token/');
});

it('isUuid accepts exactly 8-4-4-4-12 hexadecimal digits in either case, as the regular expression it replaced', () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  // Near misses: a UUID with one character replaced (by a hex digit, a letter past f, a dash, anything),
  // one inserted, or one deleted; a random string of the same alphabet almost never has its dashes in place.
  const edit = fc.tuple(fc.uuid(), fc.nat(36), fc.constantFrom('0', 'F', 'g', 'G', '-', ' ', 'é'), fc.constantFrom('replace', 'insert', 'delete'));
  const nearly = edit.map(([uuid, at, char, how]) => uuid.slice(0, at) + (how === 'delete' ? '' : char) + uuid.slice(how === 'insert' ? at : at + 1));
  fc.assert(
    fc.property(fc.oneof(fc.uuid(), fc.uuid().map((u) => u.toUpperCase()), nearly, fc.string(), fc.constant(`${ORG} `)), (value) => isUuid(value) === UUID.test(value)),
    { numRuns: 20_000 },
  );
  expect(isUuid(ORG)).toBe(true);
  expect(isUuid(USER)).toBe(true);
  expect(isUuid(42)).toBe(false);
});
