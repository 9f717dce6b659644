import { describe, expect, it } from 'vitest';
import { loginPath, safeNext } from './safe-redirect.js';

/** OWASP Unvalidated Redirects: `next` may only ever lead to a path of this app. */

const ORIGIN = 'http://localhost:3000';
/** As the login page receives it: URLSearchParams has already decoded the query once. */
const fromQuery = (raw: string) => new URLSearchParams(`next=${raw}`).get('next');

describe('safeNext', () => {
  it('keeps same-origin paths with their query and hash, normalised', () => {
    expect(safeNext('/tasks?status=pending', '/', ORIGIN)).toBe('/tasks?status=pending');
    expect(safeNext('/settings#tokens', '/', ORIGIN)).toBe('/settings#tokens');
    expect(safeNext('/tasks/../settings', '/', ORIGIN)).toBe('/settings');
    expect(safeNext(fromQuery('%2Ftasks%3Fstatus%3Dpending'), '/', ORIGIN)).toBe('/tasks?status=pending');
    expect(loginPath('/settings')).toBe('/login?next=%2Fsettings');
  });

  it.each([
    'https://evil.example',
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '/\\/evil.example',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    '/login',
    '/login?next=/tasks',
    '/register',
    'tasks',
    '',
    null,
    undefined,
  ])('refuses %j', (next) => expect(safeNext(next, '/', ORIGIN)).toBe('/'));

  // The reported crash (/login?next=/%09/evil.example) and its whole class: characters the
  // URL parser drops or rewrites, raw and percent-encoded as they arrive in the query.
  it.each([
    '/%09/evil.example',
    '/%0a/evil.example',
    '/%0d/evil.example',
    '/%0d%0a/evil.example',
    '/%09%5Cevil.example',
    '/%5C%09evil.example',
    '/%5Cevil.example',
    '/%2F/evil.example',
    '%2F%2Fevil.example',
    '/.//evil.example',
    '/./%2Fevil.example',
    '/%09%09/evil.example',
    '%09/%09/evil.example',
    '/%E3%80%80/evil.example',
  ])('refuses the query value %s (never another origin, never a protocol-relative path)', (raw) => {
    const result = safeNext(fromQuery(raw), '/', ORIGIN);
    expect(new URL(result, ORIGIN).origin).toBe(ORIGIN);
    expect(result).toMatch(/^\/(?![/\\])/);
  });

  it('a path that only looks odd stays a path of this app', () => {
    // Double-encoded slashes are an ordinary (unknown) path here, not a way out.
    expect(safeNext(fromQuery('/%252F%252Fevil.example'), '/', ORIGIN)).toBe('/%2F%2Fevil.example');
  });
});
