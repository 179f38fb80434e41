import type { Child } from 'hono/jsx';
import { STYLESHEET_PATH } from '../style.ts';

export type Section = 'events' | 'watch' | 'stats' | 'signin' | 'timeline';

const NAV: { section: Section; href: string; label: string }[] = [
  { section: 'events', href: '/console/events', label: 'Attempts' },
  { section: 'watch', href: '/console/watch', label: 'Pumping & limits' },
  { section: 'stats', href: '/console/stats', label: 'Stats' },
];

/** Who is signed in, for the header; null on the sign-in page. */
export interface Viewer {
  appName: string;
  csrf: string;
}

/** Every page: one h1, a skip link, landmarks, and sign-out as a POST form carrying the token. */
export function Layout(props: {
  title: string;
  section: Section;
  viewer: Viewer | null;
  children: Child;
}) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Tessera console`}</title>
        <link rel="stylesheet" href={STYLESHEET_PATH} />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header>
          <span class="brand">Tessera audit console</span>
          {props.viewer && (
            <>
              <nav aria-label="Console">
                <ul>
                  {NAV.map((item) => (
                    <li>
                      <a
                        href={item.href}
                        aria-current={item.section === props.section ? 'page' : undefined}
                      >
                        {item.label}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
              <span>
                App <strong>{props.viewer.appName}</strong>
              </span>
              <form method="post" action="/console/signout">
                <input type="hidden" name="csrf" value={props.viewer.csrf} />
                <button type="submit">Sign out</button>
              </form>
            </>
          )}
        </header>
        <main id="main" tabindex={-1}>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** Field errors, announced when the page loads, each linking to its field. */
export function ErrorSummary(props: { errors: { field: string; message: string }[] }) {
  if (props.errors.length === 0) return null;
  return (
    <div class="errors" role="alert">
      <h2>Please correct the filters</h2>
      <ul>
        {props.errors.map((error) => (
          <li>
            <a href={`#f-${error.field}`}>{error.message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** An instant as the console shows every time: UTC, to the second. */
export function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
