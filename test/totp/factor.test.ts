import { execFileSync } from 'node:child_process';
import { generateSecret } from 'otplib';
import { describe, expect, it } from 'vitest';
import {
  codeAt,
  matchingSteps,
  newRecoveryCode,
  normalizeRecoveryCode,
  type TotpParameters,
  timeStep,
} from '../../src/totp/factor.ts';

const SHA1_6_30: TotpParameters = { algorithm: 'sha1', digits: 6, period: 30 };
const SHA256_8_60: TotpParameters = { algorithm: 'sha256', digits: 8, period: 60 };

/** Fixed instants: RFC 6238 Appendix B times and a few others. */
const TIMES = [
  '1970-01-01 00:00:59 UTC',
  '2005-03-18 01:58:29 UTC',
  '2009-02-13 23:31:30 UTC',
  '2033-05-18 03:33:20 UTC',
];

function oathtool(secret: string, parameters: TotpParameters, at: string): string {
  const args =
    parameters.algorithm === 'sha1'
      ? ['--totp', '-d', String(parameters.digits), '-s', `${parameters.period}s`]
      : [
          `--totp=${parameters.algorithm}`,
          '-d',
          String(parameters.digits),
          '-s',
          `${parameters.period}s`,
        ];
  return execFileSync('oathtool', [...args, '-b', `--now=${at}`, secret], {
    encoding: 'utf8',
  }).trim();
}

const hasOathtool = (() => {
  try {
    execFileSync('oathtool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

// CI installs oathtool (.ci/run): there a missing binary must fail, not skip.
describe.skipIf(!hasOathtool && !process.env.CI)(
  'TOTP codes agree with oathtool (RFC 6238)',
  () => {
    const secrets = [
      // RFC 6238 Appendix B's SHA-1 key, "12345678901234567890", in base32.
      'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
      generateSecret({ length: 20 }),
      generateSecret({ length: 20 }),
    ];
    for (const parameters of [SHA1_6_30, SHA256_8_60]) {
      const name = `${parameters.algorithm}/${parameters.digits}/${parameters.period}s`;
      it.each(TIMES)(`${name} at %s`, (at) => {
        const ms = Date.parse(at.replace(' UTC', 'Z').replace(' ', 'T'));
        for (const secret of secrets) {
          const step = timeStep(ms, parameters.period);
          expect(codeAt(secret, parameters, step), secret).toBe(oathtool(secret, parameters, at));
        }
      });
    }

    it('the plain oathtool call of the notes: --totp -b --now=2009-02-13 23:31:30 UTC', () => {
      const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
      const clear = execFileSync(
        'oathtool',
        ['--totp', '-b', '--now=2009-02-13 23:31:30 UTC', secret],
        { encoding: 'utf8' },
      ).trim();
      expect(codeAt(secret, SHA1_6_30, timeStep(1_234_567_890_000, 30))).toBe(clear);
    });
  },
);

describe('TOTP helpers', () => {
  it('RFC 6238 Appendix B: SHA-1, 8 digits, T = 59 s gives 94287082', () => {
    const parameters: TotpParameters = { algorithm: 'sha1', digits: 8, period: 30 };
    expect(codeAt('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', parameters, timeStep(59_000, 30))).toBe(
      '94287082',
    );
  });

  it('matches the current step ±1 only, highest first', () => {
    const secret = generateSecret({ length: 20 });
    const now = 1_700_000_000_000;
    const step = timeStep(now, 30);
    for (const offset of [-1, 0, 1])
      expect(
        matchingSteps(secret, SHA1_6_30, codeAt(secret, SHA1_6_30, step + offset), now),
      ).toContain(step + offset);
    for (const offset of [-2, 2]) {
      const code = codeAt(secret, SHA1_6_30, step + offset);
      // A code of a step outside the window only matches if it collides with one inside (1e-6).
      const inside = [-1, 0, 1].map((o) => codeAt(secret, SHA1_6_30, step + o));
      if (!inside.includes(code)) expect(matchingSteps(secret, SHA1_6_30, code, now)).toEqual([]);
    }
    expect(matchingSteps(secret, SHA1_6_30, '12345', now)).toEqual([]);
  });

  it('recovery codes: 10 base32 characters shown as xxxxx-xxxxx, never all digits, normalised', () => {
    const codes = Array.from({ length: 200 }, newRecoveryCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) {
      expect(code).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
      expect(normalizeRecoveryCode(code.toUpperCase().replace('-', ' '))).toBe(
        code.replace('-', ''),
      );
    }
    expect(normalizeRecoveryCode('123456')).toBeNull();
    expect(normalizeRecoveryCode('2345623456')).toBeNull();
    expect(normalizeRecoveryCode('abcde-fghi1')).toBeNull();
  });
});
