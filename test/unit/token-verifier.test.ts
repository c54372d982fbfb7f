// The verified-token memory of src/caller/token.ts: a token that passed every check is not verified
// again for a minute (and never past its exp); a token that failed is verified every time. And the
// subject a token names: a non-blank string, or the token is invalid (never a key made by String()).
import type { JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import type { CallerAuth } from '../../src/config.js';
import { CallerIdentity } from '../../src/caller/identify.js';
import { AuthenticationError, remembering, subjectOf } from '../../src/caller/token.js';

/** A verifier that counts its calls and accepts tokens named "good:<exp seconds>". */
function counting() {
  const calls: string[] = [];
  const verify = (token: string): Promise<JWTPayload> => {
    calls.push(token);
    const [kind, exp] = token.split(':');
    return kind === 'good' ? Promise.resolve({ sub: 'someone', exp: Number(exp) }) : Promise.reject(new AuthenticationError('invalid', 'bad signature'));
  };
  return { calls, verify };
}

describe('remembered verification', () => {
  const start = 1_800_000_000_000;

  it('verifies a token once a minute however often it comes', async () => {
    const clock = { now: start };
    const { calls, verify } = counting();
    const remembered = remembering(verify, 60_000, () => clock.now);
    const token = `good:${start / 1000 + 3600}`;
    for (let i = 0; i < 5; i++) expect((await remembered(token)).sub).toBe('someone');
    expect(calls).toHaveLength(1);
    clock.now += 59_999;
    await remembered(token);
    expect(calls).toHaveLength(1);
    clock.now += 2;
    await remembered(token);
    expect(calls).toHaveLength(2);
  });

  it('never past the token\'s exp', async () => {
    const clock = { now: start };
    const { calls, verify } = counting();
    const remembered = remembering(verify, 60_000, () => clock.now);
    const token = `good:${start / 1000 + 10}`;
    await remembered(token);
    clock.now += 9_999;
    await remembered(token);
    expect(calls).toHaveLength(1);
    clock.now += 1;
    await remembered(token);
    expect(calls).toHaveLength(2);
  });

  it('remembers nothing about a token that failed, and keeps tokens apart', async () => {
    const { calls, verify } = counting();
    const remembered = remembering(verify, 60_000, () => start);
    await expect(remembered('forged')).rejects.toBeInstanceOf(AuthenticationError);
    await expect(remembered('forged')).rejects.toBeInstanceOf(AuthenticationError);
    expect(calls).toEqual(['forged', 'forged']);
    const a = `good:${start / 1000 + 100}`;
    const b = `good:${start / 1000 + 200}`;
    expect((await remembered(a)).exp).toBe(start / 1000 + 100);
    expect((await remembered(b)).exp).toBe(start / 1000 + 200);
    expect((await remembered(a)).exp).toBe(start / 1000 + 100);
    expect(calls).toEqual(['forged', 'forged', a, b]);
  });
});

/** `sub` values that name nobody: each is an invalid token, as a bad signature is. */
const BAD_SUBJECTS: [string, unknown][] = [
  ['missing', undefined],
  ['empty', ''],
  ['blank', ' \t\n '],
  ['a number', 42],
  ['zero', 0],
  ['an object', { id: 'auth0|user-1' }],
  ['an object that prints as one', { toString: () => 'auth0|user-1' }],
  ['an array', ['auth0|user-1']],
  ['null', null],
  ['a boolean', true],
  ['over 255 characters', 's'.repeat(256)],
];

describe('the subject a token names', () => {
  it.each(BAD_SUBJECTS)('refuses a sub that is %s as an invalid token', (_label, sub) => {
    const refusal = (() => {
      try {
        subjectOf({ sub } as JWTPayload);
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(AuthenticationError);
    expect((refusal as AuthenticationError).reason).toBe('invalid');
  });

  it('takes any other string as it is', () => {
    for (const sub of ['auth0|user-1', 'a', ' padded ', '248289761001', 's'.repeat(255)]) expect(subjectOf({ sub })).toBe(sub);
  });

  describe('when the verifier does not check it (a verifier passed in)', () => {
    const auth: CallerAuth = {
      jwksUrl: new URL('https://id.example.test/.well-known/jwks.json'),
      issuer: 'https://id.example.test/',
      audience: 'https://gateway.example.test',
      userClaim: 'podero_user_id',
      externalUserClaim: undefined,
      roleClaim: 'podero_role',
      publicServiceSdl: true,
    };
    const request = () => new Request('http://127.0.0.1/graphql', { headers: { authorization: 'Bearer header.payload.signature' } });

    it.each(BAD_SUBJECTS)('a sub that is %s: the caller is refused as invalid, never keyed on String(sub)', async (_label, sub) => {
      for (const role of ['user', 'admin']) {
        const identity = new CallerIdentity({ auth, verify: () => Promise.resolve({ sub, exp: 4_000_000_000, podero_role: role } as JWTPayload) });
        const refusal = await identity.of(request(), '127.0.0.1').catch((error: unknown) => error);
        expect(refusal).toBeInstanceOf(AuthenticationError);
        expect((refusal as AuthenticationError).reason).toBe('invalid');
      }
    });

    it('a good sub is the caller\'s subject', async () => {
      const identity = new CallerIdentity({ auth, verify: () => Promise.resolve({ sub: 'auth0|user-1', exp: 4_000_000_000 }) });
      expect(await identity.of(request(), '127.0.0.1')).toEqual({ kind: 'end-user', subject: 'auth0|user-1', userId: null, expiresAt: 4_000_000_000_000 });
    });
  });
});
