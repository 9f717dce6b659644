/**
 * Where to go after login. Only same-origin paths are accepted, so a crafted
 * `?next=https://evil.example` link cannot bounce a user off-site (OWASP
 * Unvalidated Redirects and Forwards Cheat Sheet).
 */
export function safeNext(next: string | null | undefined, fallback = '/'): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (next.startsWith('/login') || next.startsWith('/register')) return fallback;
  return next;
}

export function loginPath(next: string): string {
  return next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
}
