import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AccessStore, Principal } from '../access/index.ts';
import {
  type AuditExport,
  type AuditPage,
  type AuditSearchDeps,
  type AuditStatsReader,
  type AuditTrail,
  auditExportedEvent,
  EXPORT_CONTENT_TYPES,
  EXPORT_FORMATS,
  type ExportFormat,
  type ExportTrailer,
  exportAuditEvents,
  exportBody,
  parseStatsQuery,
  searchAuditEvents,
  type VerificationTimeline,
  verificationTimeline,
} from '../audit/index.ts';
import type { AppEnv } from '../http/app-env.ts';
import { cameOverHttps } from '../http/client-address.ts';
import type { TrustPolicy } from '../http/client-ip.ts';
import type { Clock } from '../kernel/clock.ts';
import { RefusedError } from '../kernel/errors.ts';
import type { Limiter } from '../limits/index.ts';
import { crossSiteRefusal, sameToken } from './csrf.ts';
import { type FieldError, fieldError, type Query, searchInput, statsParams } from './filters.ts';
import { EventsPage } from './pages/events.tsx';
import { Layout, type Viewer } from './pages/layout.tsx';
import { SignInPage } from './pages/signin.tsx';
import { StatsPage } from './pages/stats.tsx';
import { TimelinePage } from './pages/timeline.tsx';
import type { ConsoleSession, SessionStore } from './session-store.ts';
import {
  type Client,
  newToken,
  resumeSession,
  SESSION_ABSOLUTE_MS,
  signIn,
  signOut,
} from './sessions.ts';
import { STYLESHEET, STYLESHEET_PATH } from './style.ts';

export interface ConsoleDeps {
  access: AccessStore;
  sessions: SessionStore;
  limiter: Limiter;
  audit: AuditTrail;
  clock: Clock;
  /** The audit module's search: the attempts, watch, timeline and export pages read through it. */
  search: AuditSearchDeps;
  /** The audit module's stats reader: the hourly counts GET /v1/audit/stats reads. */
  stats: AuditStatsReader;
  trustProxy: TrustPolicy;
  /** PUBLIC_URL's origin, also accepted as the Origin of a form post. */
  publicOrigin: string | null;
}

/** The session cookie: an opaque token; the session itself is kept server-side (sessions.ts). */
export const SESSION_COOKIE = 'tessera_console';
/** The sign-in form's token, before there is a session (double submit). */
export const SIGNIN_COOKIE = 'tessera_console_signin';

/**
 * No script, no frame, no other origin: the pages are HTML, one stylesheet of ours and inline SVG
 * drawn with attributes (OWASP Content Security Policy Cheat Sheet, "Strict policy").
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const PAGE_SIZE = 50;
const WATCH_TYPES = ['pumping.trip', 'limit.hit'];

/** The console: server-rendered pages under /console, no client script (README, Console). */
export function consoleRoutes(deps: ConsoleDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    c.header('Cross-Origin-Resource-Policy', 'same-origin');
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  });

  const cookieOptions = (c: Context<AppEnv>) =>
    ({
      httpOnly: true,
      sameSite: 'Strict',
      secure: cameOverHttps(c, deps.trustProxy),
      path: '/console',
    }) as const;
  const client = (c: Context<AppEnv>): Client => ({
    ip: c.get('connectionIp'),
    userAgent: c.req.header('user-agent') ?? null,
  });
  const refusedAsCrossSite = (c: Context<AppEnv>) =>
    crossSiteRefusal({
      origin: c.req.header('origin'),
      fetchSite: c.req.header('sec-fetch-site'),
      host: new URL(c.req.url).host,
      publicOrigin: deps.publicOrigin,
    });
  const forbidden = (c: Context<AppEnv>, why: string) =>
    c.html(
      <Layout title="Refused" section="signin" viewer={null}>
        <h1>Refused</h1>
        <p>{why}</p>
        <p>
          <a href="/console">Back to the console</a>
        </p>
      </Layout>,
      403,
    );
  const signInForm = (c: Context<AppEnv>, error: string | null, status: 200 | 401 | 429) => {
    const csrf = newToken();
    setCookie(c, SIGNIN_COOKIE, csrf, { ...cookieOptions(c), maxAge: 3600 });
    return c.html(<SignInPage csrf={csrf} error={error} />, status);
  };
  const currentSession = async (c: Context<AppEnv>) => {
    const token = getCookie(c, SESSION_COOKIE);
    const resumed = token ? await resumeSession(deps, token) : null;
    if (token && !resumed) deleteCookie(c, SESSION_COOKIE, cookieOptions(c));
    return resumed && token ? { ...resumed, token } : null;
  };
  /** A page that needs a session: without one, to the sign-in form. */
  const withSession =
    (
      page: (
        c: Context<AppEnv>,
        signedIn: { session: ConsoleSession; principal: Principal; viewer: Viewer },
      ) => Promise<Response>,
    ) =>
    async (c: Context<AppEnv>) => {
      const signedIn = await currentSession(c);
      if (!signedIn) return c.redirect('/console/signin', 303);
      const viewer = { appName: signedIn.principal.app.name, csrf: signedIn.session.csrf };
      return page(c, { ...signedIn, viewer });
    };

  app.get(STYLESHEET_PATH.slice('/console'.length), (c) => {
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    return c.body(STYLESHEET, 200, { 'Content-Type': 'text/css; charset=utf-8' });
  });

  app.get('/', async (c) =>
    c.redirect((await currentSession(c)) ? '/console/events' : '/console/signin', 303),
  );

  app.get('/signin', async (c) => {
    if (await currentSession(c)) return c.redirect('/console/events', 303);
    return signInForm(c, null, 200);
  });

  app.post('/signin', async (c) => {
    const crossSite = refusedAsCrossSite(c);
    if (crossSite) return forbidden(c, `A sign-in from another site is refused (${crossSite}).`);
    const body = await c.req.parseBody();
    const expected = getCookie(c, SIGNIN_COOKIE);
    if (!expected || !sameToken(text(body.csrf), expected)) {
      return forbidden(c, 'This sign-in form has expired. Open the sign-in page again.');
    }
    const result = await signIn(deps, { key: text(body.key) ?? '', client: client(c) });
    if (!result.ok) {
      if (result.reason === 'rate_limited') {
        c.header('Retry-After', String(Math.ceil(result.retryAfterMs / 1000)));
        return signInForm(c, 'Too many failed sign-ins from your address; try again later.', 429);
      }
      return signInForm(
        c,
        'This key cannot open the console: it must be an active key with the audit:read scope.',
        401,
      );
    }
    deleteCookie(c, SIGNIN_COOKIE, cookieOptions(c));
    setCookie(c, SESSION_COOKIE, result.token, {
      ...cookieOptions(c),
      maxAge: SESSION_ABSOLUTE_MS / 1000,
    });
    return c.redirect('/console/events', 303);
  });

  app.post('/signout', async (c) => {
    const crossSite = refusedAsCrossSite(c);
    if (crossSite) return forbidden(c, `A sign-out from another site is refused (${crossSite}).`);
    const signedIn = await currentSession(c);
    if (!signedIn) return c.redirect('/console/signin', 303);
    const body = await c.req.parseBody();
    if (!sameToken(text(body.csrf), signedIn.session.csrf)) {
      return forbidden(c, 'This form has expired. Reload the page and try again.');
    }
    await signOut(deps, signedIn.token, signedIn.session, client(c));
    deleteCookie(c, SESSION_COOKIE, cookieOptions(c));
    return c.redirect('/console/signin', 303);
  });

  const listing = (section: 'events' | 'watch') =>
    withSession(async (c, { principal, viewer }) => {
      const query: Query = c.req.queries();
      const watch = section === 'watch';
      const input = { ...searchInput(query), limit: String(PAGE_SIZE) };
      let page: AuditPage = { events: [], nextCursor: null };
      let errors: FieldError[] = [];
      try {
        page = await searchAuditEvents(
          deps.search,
          principal.app.id,
          watch ? { ...input, type: WATCH_TYPES } : input,
        );
      } catch (error) {
        const field = fieldError(error);
        if (!field) throw error;
        errors = [field];
      }
      return c.html(
        <EventsPage
          viewer={viewer}
          section={section}
          title={watch ? 'Pumping watch & limit refusals' : 'Attempts'}
          intro={
            watch
              ? 'Trips of the SMS pumping watch and requests refused by a rate limit or budget, newest first.'
              : 'Every recorded decision of your app, newest first. Times are UTC.'
          }
          query={query}
          errors={errors}
          events={page.events}
          nextCursor={page.nextCursor}
          exportable={!watch}
        />,
        errors.length > 0 ? 422 : 200,
      );
    });
  app.get('/events', listing('events'));
  app.get('/watch', listing('watch'));

  app.get(
    '/verifications/:id',
    withSession(async (c, { principal, viewer }) => {
      const verificationId = c.req.param('id') ?? '';
      let timeline: VerificationTimeline | null = null;
      try {
        timeline = await verificationTimeline(deps.search, principal.app.id, verificationId);
      } catch (error) {
        if (!(error instanceof RefusedError && error.code === 'verification_not_found'))
          throw error;
      }
      return c.html(
        <TimelinePage viewer={viewer} verificationId={verificationId} timeline={timeline} />,
        timeline ? 200 : 404,
      );
    }),
  );

  app.get(
    '/stats',
    withSession(async (c, { principal, viewer }) => {
      const query: Query = c.req.queries();
      const params = statsParams(query);
      const parsed = parseStatsQuery(principal.app.id, params, deps.clock.now());
      const errors: FieldError[] = parsed.ok
        ? []
        : parsed.errors.map(({ path, message }) => ({ field: path, message }));
      const stats = parsed.ok ? await deps.stats.stats(parsed.query) : null;
      return c.html(
        <StatsPage
          viewer={viewer}
          since={query.since?.[0] ?? (stats ? localInput(stats.since) : '')}
          until={query.until?.[0] ?? (stats ? localInput(stats.until) : '')}
          groupBy={stats?.groupBy ?? 'hour'}
          errors={errors}
          buckets={stats?.buckets ?? []}
        />,
        errors.length > 0 ? 422 : 200,
      );
    }),
  );

  app.get(
    '/export',
    withSession(async (c, { principal }) => {
      const query: Query = c.req.queries();
      const format = query.format?.[0] as ExportFormat;
      if (!EXPORT_FORMATS.includes(format)) return c.text('Export format: csv or ndjson.', 422);
      // The audit module's export, as GET /v1/audit/events/export streams it (same trailer):
      // the filters are checked before answering, so a wrong one is a 422, not a cut download.
      let data: AuditExport;
      try {
        data = await exportAuditEvents(deps.search, principal.app.id, searchInput(query), format);
      } catch (error) {
        const field = fieldError(error);
        if (!field) throw error;
        return c.text(`Export refused: ${field.message}`, 422);
      }
      const stamp = new Date(deps.clock.now()).toISOString().replace(/[:.]/g, '-');
      const name = `tessera-audit-${principal.app.name.replace(/[^A-Za-z0-9_-]/g, '_')}-${stamp}`;
      const recordExport = (trailer: ExportTrailer) =>
        deps.audit.commitOrSpool([
          auditExportedEvent(
            { app: principal.app, client: client(c) },
            { via: 'console', format, filters: searchInput(query) },
            trailer,
            deps.clock.now(),
          ),
        ]);
      return new Response(exportBody(data, recordExport), {
        headers: {
          'Content-Type': EXPORT_CONTENT_TYPES[format],
          'Content-Disposition': `attachment; filename="${name}.${format}"`,
          'Cache-Control': 'no-store',
        },
      });
    }),
  );
  return app;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** What a datetime-local input shows for an instant (UTC, to the minute). */
function localInput(date: Date): string {
  return date.toISOString().slice(0, 16);
}
