import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AccessStore, Principal } from '../access/index.ts';
import {
  type AuditPage,
  type AuditSearchDeps,
  type AuditSearchInput,
  type AuditTrail,
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
import { EXPORT_FORMATS, type ExportFormat, exportEvents } from './export.ts';
import {
  type FieldError,
  fieldError,
  type Query,
  readGroupBy,
  readInstant,
  searchInput,
} from './filters.ts';
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
import type { ConsoleStats } from './stats.ts';
import { STYLESHEET, STYLESHEET_PATH } from './style.ts';

export interface ConsoleDeps {
  access: AccessStore;
  sessions: SessionStore;
  limiter: Limiter;
  audit: AuditTrail;
  clock: Clock;
  /** The audit module's search: the attempts, watch, timeline and export pages read through it. */
  search: AuditSearchDeps;
  stats: ConsoleStats;
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
      const errors: FieldError[] = [];
      const now = deps.clock.now();
      const until = readInstant(query, 'until', errors) ?? new Date(now);
      const since = readInstant(query, 'since', errors) ?? new Date(until.getTime() - 86_400_000);
      if (errors.length === 0 && since >= until) {
        errors.push({ field: 'since', message: 'From must be before To.' });
      }
      const groupBy = readGroupBy(query);
      const { buckets } =
        errors.length === 0
          ? await deps.stats.stats({ appId: principal.app.id, since, until, groupBy })
          : { buckets: [] };
      return c.html(
        <StatsPage
          viewer={viewer}
          since={query.since?.[0] ?? localInput(since)}
          until={query.until?.[0] ?? localInput(until)}
          groupBy={groupBy}
          errors={errors}
          buckets={buckets}
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
      const input: AuditSearchInput = { ...searchInput(query), cursor: undefined };
      // The first page is read before answering, so a wrong filter is a 422, not a cut download.
      const chunks = exportEvents(deps.search, principal.app.id, input, format);
      let head: IteratorResult<string>;
      try {
        head = await chunks.next();
      } catch (error) {
        const field = fieldError(error);
        if (!field) throw error;
        return c.text(`Export refused: ${field.message}`, 422);
      }
      return exportResponse(deps.clock, principal.app, head, chunks, format);
    }),
  );
  return app;
}

/** The export as a download, pulled chunk by chunk: the reads go as fast as the client takes them. */
function exportResponse(
  clock: Clock,
  app: { id: string; name: string },
  head: IteratorResult<string>,
  chunks: AsyncGenerator<string>,
  format: ExportFormat,
): Response {
  const encoder = new TextEncoder();
  let pending: IteratorResult<string> | null = head;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = pending ?? (await chunks.next());
      pending = null;
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  const stamp = new Date(clock.now()).toISOString().replace(/[:.]/g, '-');
  const name = `tessera-audit-${app.name.replace(/[^A-Za-z0-9_-]/g, '_')}-${stamp}.${format}`;
  return new Response(body, {
    headers: {
      'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      'Content-Disposition': `attachment; filename="${name}"`,
    },
  });
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** What a datetime-local input shows for an instant (UTC, to the minute). */
function localInput(date: Date): string {
  return date.toISOString().slice(0, 16);
}
