/**
 * Redirect URIs of OAuth clients: which may be registered, and whether a
 * requested one matches a registered one.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Schemes no redirect may use: they run code, read files or leave the browser's control. */
const FORBIDDEN_SCHEMES = new Set([
  'javascript:',
  'data:',
  'vbscript:',
  'file:',
  'blob:',
  'about:',
  'ftp:',
  'ws:',
  'wss:',
]);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname);
}

/**
 * Whether a client may register this redirect URI: absolute, without fragment
 * (RFC 6749 §3.1.2), https or loopback http (MCP authorization, "Communication
 * Security"; RFC 8252 §7.3), or a native app's private-use scheme (RFC 8252 §7.1).
 * Returns an error message, or null when the URI is acceptable.
 */
export function redirectUriProblem(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `redirect URI ${JSON.stringify(uri)} is not an absolute URL`;
  }
  if (url.hash || uri.includes('#')) return `redirect URI ${uri} must not contain a fragment`;
  if (url.username || url.password) return `redirect URI ${uri} must not contain credentials`;
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return `redirect URI scheme ${url.protocol} is not allowed`;
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return `redirect URI ${uri} must use https (plain http only for localhost, 127.0.0.1 or [::1])`;
  }
  if (url.protocol === 'https:' && !url.hostname) return `redirect URI ${uri} has no host`;
  return null;
}

/**
 * RFC 6749 §3.1.2.3 / OAuth 2.1 §2.3.1: the requested redirect URI must equal a
 * registered one exactly, except that a loopback redirect may use any port
 * (RFC 8252 §7.3: native apps listen on an ephemeral port). Scheme, host (no
 * localhost↔127.0.0.1 swapping), path and query must still match.
 */
export function redirectUriMatches(requested: string, registered: string): boolean {
  if (requested === registered) return true;
  let req: URL;
  let reg: URL;
  try {
    req = new URL(requested);
    reg = new URL(registered);
  } catch {
    return false;
  }
  if (!isLoopbackHost(req.hostname) || !isLoopbackHost(reg.hostname)) return false;
  if (req.protocol !== 'http:' && req.protocol !== 'https:') return false;
  if (requested.includes('#') || req.username || req.password) return false;
  return (
    req.protocol === reg.protocol &&
    req.hostname === reg.hostname &&
    req.pathname === reg.pathname &&
    req.search === reg.search
  );
}

/** What the consent page shows as "where it will redirect": the host, or the app scheme. */
export function redirectTarget(uri: string): { host: string; loopback: boolean } {
  const url = new URL(uri);
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    return { host: url.host, loopback: isLoopbackHost(url.hostname) };
  }
  return { host: `${url.protocol}//${url.host}`, loopback: false };
}
