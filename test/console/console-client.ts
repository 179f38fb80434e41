import type { TestApp } from '../helpers/test-app.ts';

/** The value of a cookie in a response's Set-Cookie headers, with its attributes. */
export function setCookie(
  response: Response,
  name: string,
): { value: string; attributes: string } | null {
  for (const header of response.headers.getSetCookie()) {
    const [pair = '', ...attributes] = header.split(';');
    const [cookieName, ...value] = pair.split('=');
    if (cookieName?.trim() === name) {
      return { value: value.join('='), attributes: attributes.join(';').trim() };
    }
  }
  return null;
}

/** The hidden CSRF field of the page's first form that has one. */
export function csrfField(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no csrf field on the page');
  return match[1];
}

/** A browser-like client of the console over app.request: it keeps its cookies, same-origin. */
export function consoleClient(testApp: TestApp, origin = 'http://localhost') {
  const jar = new Map<string, string>();
  const remember = (response: Response) => {
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const [name = '', ...value] = pair.split('=');
      if (/max-age=0/i.test(header) || value.join('=') === '') jar.delete(name.trim());
      else jar.set(name.trim(), value.join('='));
    }
  };
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  const client = {
    jar,
    async get(path: string, headers: Record<string, string> = {}) {
      const response = await testApp.app.request(`${origin}${path}`, {
        headers: { cookie: cookie(), ...headers },
      });
      remember(response);
      return response;
    },
    async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
      const response = await testApp.app.request(`${origin}${path}`, {
        method: 'POST',
        headers: {
          cookie: cookie(),
          'content-type': 'application/x-www-form-urlencoded',
          origin,
          'sec-fetch-site': 'same-origin',
          ...headers,
        },
        body: new URLSearchParams(form).toString(),
      });
      remember(response);
      return response;
    },
    /** Opens the sign-in form and posts `key` with its token. */
    async signIn(key: string, headers: Record<string, string> = {}) {
      const form = await client.get('/console/signin');
      return client.post('/console/signin', { csrf: csrfField(await form.text()), key }, headers);
    },
  };
  return client;
}
