// The verified-token memory of src/caller/token.ts: a token that passed every check is not verified
// again for a minute (and never past its exp); a token that failed is verified every time.
import type { JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, remembering } from '../../src/caller/token.js';

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
