/**
 * Where to go after login: only a path of this app. `next` comes from the URL, so
 * anyone can craft it (OWASP Unvalidated Redirects and Forwards Cheat Sheet).
 *
 * Prefix checks on the raw string are not enough: the URL parser drops tabs and
 * line breaks and reads `\` as `/`, so `/\t/evil.example` or `/\\evil.example`
 * become `//evil.example`, another host (and React Router refuses to navigate
 * there with an error screen). So `next` is resolved against the app's origin, as
 * the browser would, and only a result on the same origin whose path cannot be
 * read as protocol-relative is kept, in its normalised form.
 */
export function safeNext(
  next: string | null | undefined,
  fallback = '/',
  origin: string = globalThis.location?.origin ?? 'http://localhost',
): string {
  if (!next?.startsWith('/')) return fallback;
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return fallback;
  }
  if (url.origin !== origin) return fallback;
  const path = url.pathname;
  // A path the router would treat as protocol-relative, however it was spelt.
  if (path.startsWith('//') || path.startsWith('/\\')) return fallback;
  if (/^\/(login|register)(\/|$)/.test(path)) return fallback;
  return `${path}${url.search}${url.hash}`;
}

export function loginPath(next: string): string {
  return next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
}
