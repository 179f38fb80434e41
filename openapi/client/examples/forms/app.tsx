import { getConnInfo } from '@hono/node-server/conninfo';
import type { TesseraClient } from '@tessera/client';
import { type Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import {
  type Account,
  type Accounts,
  createAccounts,
  createSessions,
  type Session,
  type Sessions,
} from './accounts.ts';
import { STYLESHEET, WEBOTP_SCRIPT } from './assets.ts';
import { AccountPage, CodePage, LoginPage, SignupPage } from './pages.tsx';

/**
 * An example site with a sign-up form (phone verified by an SMS code) and a login form (password,
 * then an SMS code as second factor), server-rendered, calling Tessera through @tessera/client.
 * Its own users and sessions are in memory: the parts a real site has already.
 */

const COOKIE = 'example_session';

const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'";

export interface FormsAppOptions {
  /** A Tessera client with an API key of scope `verify`. */
  tessera: TesseraClient;
  accounts?: Accounts;
  sessions?: Sessions;
}

interface Problem {
  code?: string;
  detail?: string;
}

/** What the user reads for a refusal from Tessera; never Tessera's own wording of internals. */
function explain(problem: Problem | undefined, retryAfter: string | null): string {
  switch (problem?.code) {
    case 'invalid_phone_number':
      return 'This is not a mobile number we can text. Check it and its country.';
    case 'destination_blocked':
      return 'We cannot send codes to this country.';
    case 'rate_limited':
    case 'budget_exceeded':
      return `Too many codes were asked for. Try again in ${retryAfter ?? 'a few'} seconds.`;
    case 'phone_locked':
      return 'This number is locked after too many wrong codes. Contact support.';
    default:
      return 'We could not send or check a code just now. Try again in a moment.';
  }
}

export function createFormsApp(options: FormsAppOptions): Hono {
  const { tessera } = options;
  const accounts = options.accounts ?? createAccounts();
  const sessions = options.sessions ?? createSessions();
  const app = new Hono();

  // Origin check on every form POST (hono/csrf); the session cookie is also SameSite=Strict.
  app.use(csrf());
  app.use(async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cache-Control', 'no-store');
  });

  const sessionOf = (c: Context): Session => {
    const existing = sessions.get(getCookie(c, COOKIE));
    if (existing) return existing;
    const { token, session } = sessions.open();
    setCookie(c, COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/' });
    return session;
  };

  /** The end user as Tessera's per-IP limits and audit trail want them. */
  const endUser = (c: Context) => ({
    ip: getConnInfo(c).remote.address ?? '0.0.0.0',
    user_agent: (c.req.header('user-agent') ?? '').slice(0, 512),
  });

  const field = (form: Record<string, unknown>, name: string) => {
    const value = form[name];
    return typeof value === 'string' ? value.trim() : '';
  };

  /** Sends a code for the flow and moves the session on to the code page. */
  const sendCode = async (
    c: Context,
    session: Session,
    flow: 'login' | 'signup',
    account: Account,
  ) => {
    const sent = await tessera.POST('/v1/verify', {
      body: {
        to: account.phone,
        country: account.country,
        purpose: flow,
        locale: 'en',
        client: endUser(c),
      },
    });
    if (!sent.data) return explain(sent.error, sent.response.headers.get('retry-after'));
    session.pending = { flow, verificationId: sent.data.id, maskedPhone: sent.data.to, account };
    return null;
  };

  app.get('/assets/style.css', (c) =>
    c.body(STYLESHEET, 200, { 'content-type': 'text/css; charset=utf-8' }),
  );
  app.get('/assets/webotp.js', (c) =>
    c.body(WEBOTP_SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  );

  app.get('/', (c) => c.redirect(sessionOf(c).signedInAs ? '/account' : '/login', 303));

  app.get('/login', (c) => c.html(<LoginPage />));
  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const username = field(form, 'username');
    const account = await accounts.authenticate(username, field(form, 'password'));
    if (!account) {
      return c.html(<LoginPage error="Wrong username or password." username={username} />, 401);
    }
    const session = sessionOf(c);
    const refused = await sendCode(c, session, 'login', account);
    if (refused) return c.html(<LoginPage error={refused} username={username} />, 503);
    return c.redirect('/code', 303);
  });

  app.get('/signup', (c) => c.html(<SignupPage />));
  app.post('/signup', async (c) => {
    const form = await c.req.parseBody();
    const values = {
      username: field(form, 'username'),
      phone: field(form, 'phone'),
      country: field(form, 'country'),
    };
    const password = typeof form.password === 'string' ? form.password : '';
    const invalid = !/^[\w.-]{1,64}$/.test(values.username)
      ? 'Pick a username of letters, digits, dots, dashes or underscores.'
      : password.length < 8 || password.length > 256
        ? 'The password needs at least 8 characters.'
        : accounts.find(values.username)
          ? 'This username is taken.'
          : null;
    if (invalid) return c.html(<SignupPage error={invalid} values={values} />, 422);
    const account = { ...values, passwordHash: await accounts.hashPassword(password) };
    const refused = await sendCode(c, sessionOf(c), 'signup', account);
    if (refused) return c.html(<SignupPage error={refused} values={values} />, 422);
    return c.redirect('/code', 303);
  });

  app.get('/code', (c) => {
    const pending = sessionOf(c).pending;
    if (!pending) return c.redirect('/login', 303);
    return c.html(<CodePage flow={pending.flow} maskedPhone={pending.maskedPhone} />);
  });
  app.post('/code', async (c) => {
    const session = sessionOf(c);
    const pending = session.pending;
    if (!pending) return c.redirect('/login', 303);
    const code = field(await c.req.parseBody(), 'code');
    const page = (error: string, status: 401 | 422 | 503) =>
      c.html(
        <CodePage flow={pending.flow} maskedPhone={pending.maskedPhone} error={error} />,
        status,
      );
    if (!/^[0-9]{4,10}$/.test(code)) return page('The code is the digits in the SMS.', 422);
    const checked = await tessera.POST('/v1/verify/{id}/check', {
      params: { path: { id: pending.verificationId } },
      body: { code, client: endUser(c) },
    });
    if (!checked.data)
      return page(explain(checked.error, checked.response.headers.get('retry-after')), 503);
    if (checked.data.valid) {
      session.pending = null;
      if (pending.flow === 'signup' && !accounts.add(pending.account)) {
        return c.html(<SignupPage error="This username was taken meanwhile." />, 409);
      }
      session.signedInAs = pending.account.username;
      return c.redirect(pending.flow === 'signup' ? '/account?welcome=1' : '/account', 303);
    }
    if (checked.data.status === 'pending') {
      const left = checked.data.attempts_remaining;
      return page(`That code is not right. ${left} ${left === 1 ? 'try' : 'tries'} left.`, 401);
    }
    // Expired, used up or canceled: this verification is over, the flow starts again.
    session.pending = null;
    const reason =
      checked.data.status === 'expired' ? 'The code expired.' : 'Too many wrong codes.';
    return pending.flow === 'login'
      ? c.html(<LoginPage error={`${reason} Sign in again for a new one.`} />, 401)
      : c.html(<SignupPage error={`${reason} Start again for a new one.`} />, 401);
  });
  app.post('/code/resend', async (c) => {
    const pending = sessionOf(c).pending;
    if (!pending) return c.redirect('/login', 303);
    const resent = await tessera.POST('/v1/verify/{id}/resend', {
      params: { path: { id: pending.verificationId } },
      body: { client: endUser(c) },
    });
    const props = { flow: pending.flow, maskedPhone: pending.maskedPhone };
    if (!resent.data) {
      const why = explain(resent.error, resent.response.headers.get('retry-after'));
      return c.html(<CodePage {...props} error={why} />, 429);
    }
    return c.html(
      <CodePage {...props} notice="A new code is on its way; the old one no longer works." />,
    );
  });

  app.get('/account', (c) => {
    const username = sessionOf(c).signedInAs;
    if (!username) return c.redirect('/login', 303);
    return c.html(<AccountPage username={username} welcome={c.req.query('welcome') === '1'} />);
  });
  app.post('/logout', (c) => {
    const token = getCookie(c, COOKIE);
    if (token) sessions.close(token);
    setCookie(c, COOKIE, '', { httpOnly: true, sameSite: 'Strict', path: '/', maxAge: 0 });
    return c.html(<LoginPage notice="You are signed out." />);
  });
  return app;
}
