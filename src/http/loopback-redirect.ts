import type { Config } from '../config.js';

/** localhost, 127.0.0.0/8 and [::1]: names by which a browser reaches a server on its own machine. */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

const portOf = (url: URL) => url.port || (url.protocol === 'https:' ? '443' : '80');

/**
 * SPEC §4 and docs/decisions/007: a page opened by another loopback name than
 * PUBLIC_URL's (http://127.0.0.1:3000 while PUBLIC_URL is http://localhost:3000)
 * is redirected to PUBLIC_URL's origin, where its refresh cookie, its Origin
 * check and passkeys' relying-party id all hold. Without it, sign-in works and
 * the next reload lands on /login (the cookie request's Origin is refused).
 *
 * Only while PUBLIC_URL is itself a loopback URL on the port this server listens
 * on: then the browser reached this very process directly, and the redirect
 * cannot loop through a proxy that rewrites Host. Other hosts (a LAN name, a
 * proxy's) are never redirected: the page explains instead why it cannot keep
 * the user signed in. Returns the redirect target, or null.
 */
export function loopbackRedirect(
  config: Pick<Config, 'publicUrl' | 'port'>,
): (host: string, url: string) => string | null {
  const target = new URL(config.publicUrl);
  if (!LOOPBACK.test(target.hostname) || portOf(target) !== String(config.port)) return () => null;
  return (host, url) => {
    let requested: URL;
    try {
      requested = new URL(`${target.protocol}//${host}`);
    } catch {
      return null;
    }
    if (!LOOPBACK.test(requested.hostname) || requested.hostname === target.hostname) return null;
    if (portOf(requested) !== portOf(target)) return null;
    return `${target.origin}${url.startsWith('/') ? url : '/'}`;
  };
}
