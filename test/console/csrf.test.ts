import { describe, expect, it } from 'vitest';
import { crossSiteRefusal, sameToken } from '../../src/console/csrf.ts';

const ours = { host: '127.0.0.1:3000', publicOrigin: null };

describe('console CSRF: which form posts are refused before their token is read', () => {
  it('accepts our own origin, and PUBLIC_URL when a proxy presents another host', () => {
    expect(
      crossSiteRefusal({ ...ours, origin: 'http://127.0.0.1:3000', fetchSite: 'same-origin' }),
    ).toBeNull();
    expect(
      crossSiteRefusal({
        origin: 'https://audit.example',
        fetchSite: 'same-origin',
        host: 'tessera:3000',
        publicOrigin: 'https://audit.example',
      }),
    ).toBeNull();
  });

  it('refuses another site, and a same-site page on another port or subdomain', () => {
    expect(
      crossSiteRefusal({ ...ours, origin: 'https://evil.example', fetchSite: 'cross-site' }),
    ).toBe('Sec-Fetch-Site is cross-site');
    expect(
      crossSiteRefusal({ ...ours, origin: 'http://127.0.0.1:4000', fetchSite: 'same-site' }),
    ).toBe('Sec-Fetch-Site is same-site');
    // A browser without Fetch Metadata: the Origin alone decides.
    expect(
      crossSiteRefusal({ ...ours, origin: 'http://127.0.0.1:4000', fetchSite: undefined }),
    ).toBe('Origin http://127.0.0.1:4000 is not this server');
  });

  it('believes Origin: null (what no-referrer makes Chromium send) only beside same-origin', () => {
    expect(crossSiteRefusal({ ...ours, origin: 'null', fetchSite: 'same-origin' })).toBeNull();
    expect(crossSiteRefusal({ ...ours, origin: 'null', fetchSite: undefined })).not.toBeNull();
    expect(crossSiteRefusal({ ...ours, origin: 'null', fetchSite: 'none' })).not.toBeNull();
  });

  it('leaves a client that sends neither header to the tokens', () => {
    expect(crossSiteRefusal({ ...ours, origin: undefined, fetchSite: undefined })).toBeNull();
  });

  it('compares tokens exactly, and a missing one never matches', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abd', 'abc')).toBe(false);
    expect(sameToken('ab', 'abc')).toBe(false);
    expect(sameToken(undefined, 'abc')).toBe(false);
    expect(sameToken('', 'abc')).toBe(false);
  });
});
