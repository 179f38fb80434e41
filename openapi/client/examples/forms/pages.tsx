import type { Child } from 'hono/jsx';

/**
 * The few countries the example offers for a national number (short labels: the field sits next to
 * the number on a phone screen); Tessera accepts any country it enables.
 */
const COUNTRIES = [
  ['FR', '+33'],
  ['BE', '+32'],
  ['CH', '+41'],
  ['DE', '+49'],
  ['GB', '+44'],
  ['US', '+1'],
] as const;

function Layout(props: { title: string; script?: boolean; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title} · Example site</title>
        <link rel="stylesheet" href="/assets/style.css" />
      </head>
      <body>
        <main>
          <h1>{props.title}</h1>
          {props.children}
        </main>
        {props.script ? <script src="/assets/webotp.js" defer /> : null}
      </body>
    </html>
  );
}

function Message(props: { error?: string | undefined; notice?: string | undefined }) {
  return (
    <>
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
    </>
  );
}

export function LoginPage(props: { error?: string; username?: string; notice?: string }) {
  return (
    <Layout title="Sign in">
      <Message error={props.error} notice={props.notice} />
      <form method="post" action="/login">
        <label for="username">Username</label>
        <input
          id="username"
          name="username"
          autocomplete="username"
          autocapitalize="none"
          required
          value={props.username ?? ''}
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
        />
        <button type="submit">Continue</button>
      </form>
      <footer>
        <p>
          New here? <a href="/signup">Create an account</a>
        </p>
      </footer>
    </Layout>
  );
}

export function SignupPage(props: {
  error?: string;
  values?: { username?: string; phone?: string; country?: string };
}) {
  const values = props.values ?? {};
  return (
    <Layout title="Create an account">
      <Message error={props.error} />
      <form method="post" action="/signup">
        <label for="username">Username</label>
        <input
          id="username"
          name="username"
          autocomplete="username"
          autocapitalize="none"
          required
          maxlength={64}
          value={values.username ?? ''}
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="new-password"
          required
          minlength={8}
          maxlength={256}
          aria-describedby="password-hint"
        />
        <p class="hint" id="password-hint">
          At least 8 characters.
        </p>
        <label for="phone">Mobile number</label>
        <div class="row">
          <select name="country" aria-label="Country" autocomplete="country">
            {COUNTRIES.map(([code, prefix]) => (
              <option value={code} selected={(values.country ?? 'FR') === code}>
                {code} {prefix}
              </option>
            ))}
          </select>
          <input
            id="phone"
            name="phone"
            type="tel"
            inputmode="tel"
            autocomplete="tel"
            required
            maxlength={32}
            value={values.phone ?? ''}
            aria-describedby="phone-hint"
          />
        </div>
        <p class="hint" id="phone-hint">
          We text you a code to check it is yours.
        </p>
        <button type="submit">Send me a code</button>
      </form>
      <footer>
        <p>
          Already have an account? <a href="/login">Sign in</a>
        </p>
      </footer>
    </Layout>
  );
}

export function CodePage(props: {
  flow: 'login' | 'signup';
  maskedPhone: string;
  error?: string;
  notice?: string;
}) {
  return (
    <Layout title={props.flow === 'login' ? 'Enter your code' : 'Check your phone'} script>
      <p>
        We sent a 6-digit code to <strong>{props.maskedPhone}</strong>.
      </p>
      <Message error={props.error} notice={props.notice} />
      <form method="post" action="/code">
        <label for="code">Code</label>
        <input
          id="code"
          class="code"
          name="code"
          type="text"
          autocomplete="one-time-code"
          inputmode="numeric"
          pattern="[0-9]*"
          maxlength={10}
          required
          autofocus
        />
        <button type="submit">{props.flow === 'login' ? 'Sign in' : 'Verify my number'}</button>
      </form>
      <form method="post" action="/code/resend">
        <button type="submit" class="secondary">
          Send a new code
        </button>
      </form>
    </Layout>
  );
}

export function AccountPage(props: { username: string; welcome: boolean }) {
  return (
    <Layout title={props.welcome ? 'Welcome' : 'Your account'}>
      <p>
        Signed in as <strong>{props.username}</strong>.
      </p>
      <form method="post" action="/logout">
        <button type="submit" class="secondary">
          Sign out
        </button>
      </form>
    </Layout>
  );
}
