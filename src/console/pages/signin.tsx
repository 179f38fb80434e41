import { Layout } from './layout.tsx';

/** The sign-in form; `error` says why the last attempt was refused. */
export function SignInPage(props: { csrf: string; error: string | null }) {
  return (
    <Layout title="Sign in" section="signin" viewer={null}>
      <div class="signin">
        <h1>Sign in</h1>
        <p>
          Use an API key with the <code>audit:read</code> scope (
          <code>tessera keys create --app NAME --scopes audit:read</code>). The key is exchanged for
          a session; it is not kept in the browser.
        </p>
        {props.error && (
          <p class="error" role="alert">
            {props.error}
          </p>
        )}
        <form method="post" action="/console/signin">
          <input type="hidden" name="csrf" value={props.csrf} />
          <div>
            <label for="f-key">API key</label>
            <input
              id="f-key"
              name="key"
              type="password"
              autocomplete="off"
              spellcheck={false}
              required
              aria-describedby="key-hint"
              aria-invalid={props.error ? 'true' : undefined}
            />
            <p class="hint" id="key-hint">
              Starts with <code>tsk_</code>.
            </p>
          </div>
          <button type="submit">Sign in</button>
        </form>
      </div>
    </Layout>
  );
}
