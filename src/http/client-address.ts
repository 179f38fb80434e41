import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './app-env.ts';
import { normalizeIp, resolveClientIp, type TrustPolicy, trustsPeer } from './client-ip.ts';

/** Sets `connectionIp`: the connection's client address, through the proxies TRUST_PROXY names. */
export function clientAddress(policy: TrustPolicy) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const remoteAddress = remoteAddressOf(c);
    // Without a socket (app.request() in tests) nothing vouches for X-Forwarded-For: no address.
    c.set(
      'connectionIp',
      remoteAddress
        ? resolveClientIp({ remoteAddress, forwardedFor: c.req.header('x-forwarded-for'), policy })
        : null,
    );
    await next();
  });
}

/**
 * Whether the browser reached us over HTTPS: this server's own URL says so, or the proxy that
 * connected to us is one TRUST_PROXY names and its X-Forwarded-Proto (the value it appended, the
 * last one) says so. A client's own X-Forwarded-Proto is never believed.
 */
export function cameOverHttps(c: Context, policy: TrustPolicy): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  const remoteAddress = remoteAddressOf(c);
  const forwarded = c.req.header('x-forwarded-proto');
  if (!remoteAddress || !forwarded || !trustsPeer(policy, remoteAddress)) return false;
  return forwarded.split(',').at(-1)?.trim().toLowerCase() === 'https';
}

function remoteAddressOf(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    // Not served by @hono/node-server: c.env has no incoming socket.
    return undefined;
  }
}

/** The `client` object of a request body: the end user as the calling backend describes them. */
export interface ClientHint {
  ip?: string | null | undefined;
  user_agent?: string | null | undefined;
}

export interface EndUserAddress {
  ip: string | null;
  userAgent: string | null;
}

/**
 * The end user's address for limits and audit. The caller is the app's authenticated backend, so
 * what it says in `client` is believed (api.md); without `client`, the connection's own address
 * and User-Agent stand in.
 */
export function endUserAddress(c: Context<AppEnv>, client?: ClientHint | null): EndUserAddress {
  const ip = given(client?.ip);
  return {
    ip: ip === null ? c.get('connectionIp') : (normalizeIp(ip) ?? ip),
    // The backend's own User-Agent says nothing of the end user once the backend speaks for them.
    userAgent: client ? given(client.user_agent) : given(c.req.header('user-agent')),
  };
}

function given(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}
