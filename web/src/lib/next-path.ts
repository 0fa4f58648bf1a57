/**
 * Where to go after signing in: `/login?next=/orders/12`. Only a path of
 * this site is followed (never `//evil.example`, `https://...`,
 * `/\\evil.example` or `javascript:`); anything else goes to the dashboard.
 */
export const LOGIN_ROUTE = '/login';

const BASE = 'http://this-site.invalid';

export function safeNext(raw: string | null | undefined): string {
  if (!raw || raw.length > 2000) return '/';
  // A path of this site starts with one slash; `//host` and `/\host` are other sites to a browser.
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  // Control characters and backslashes have no business in our paths (browsers read `\` as `/`).
  if ([...raw].some((c) => c === '\\' || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return '/';
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return '/';
  }
  if (url.origin !== BASE) return '/';
  // Coming back to the sign-in page itself would be a loop.
  if (url.pathname === LOGIN_ROUTE) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The sign-in page, asked to bring the person back to `location` afterwards. */
export function loginPath(location: { pathname: string; search?: string; hash?: string }): string {
  const here = `${location.pathname}${location.search ?? ''}${location.hash ?? ''}`;
  const next = safeNext(here);
  return next === '/' ? LOGIN_ROUTE : `${LOGIN_ROUTE}?${new URLSearchParams({ next }).toString()}`;
}
