import { Agent, request } from 'node:https';
import type { LookupFunction } from 'node:net';
import { RequestFilteringHttpsAgent } from 'request-filtering-agent';
import {
  type ClientMetadataDocument,
  ClientMetadataError,
  parseClientIdUrl,
  validateDocument,
} from './client-metadata-rules.js';

/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document-00,
 * MCP authorization 2025-11-25 "Client ID Metadata Documents"): a client whose
 * `client_id` is an https URL publishes its metadata there, and we fetch it.
 * Fetching a URL an unknown party chose is SSRF-prone (§6.5), so every fetch is
 * https only, to public addresses only, small, quick and never redirected.
 */

export interface ClientMetadataFetchOptions {
  /** OAUTH_ALLOW_PRIVATE_CLIENT_METADATA: also fetch from private and loopback addresses. https stays required. */
  allowPrivate: boolean;
  /** Whole request, connect to last byte. */
  timeoutMs?: number;
  maxBytes?: number;
  /** Tests only: trust this CA, resolve names this way. Production uses the system's. */
  ca?: string;
  lookup?: LookupFunction;
}

/** §6.6 recommends at most 5 kilobytes. */
const MAX_BYTES = 5 * 1024;
const TIMEOUT_MS = 5_000;
/** §4.4: HTTP cache headers are honoured within bounds of our own. */
const MIN_CACHE_MS = 60_000;
const MAX_CACHE_MS = 24 * 60 * 60_000;
const DEFAULT_CACHE_MS = 10 * 60_000;
const CACHE_ENTRIES = 1_000;

/** RFC 9111 §5.2.2.1 max-age, clamped to our bounds; no header means our default. */
function cacheLifetime(cacheControl: string | undefined): number {
  if (cacheControl && /(^|,)\s*(no-store|no-cache)\s*(,|$)/i.test(cacheControl)) return MIN_CACHE_MS;
  const maxAge = cacheControl ? /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/i.exec(cacheControl)?.[1] : undefined;
  const ms = maxAge === undefined ? DEFAULT_CACHE_MS : Number(maxAge) * 1000;
  return Math.min(MAX_CACHE_MS, Math.max(MIN_CACHE_MS, ms));
}

interface Fetched {
  document: ClientMetadataDocument;
  maxAgeMs: number;
}

function fetchOnce(url: URL, options: ClientMetadataFetchOptions, agent: Agent): Promise<Fetched> {
  const maxBytes = options.maxBytes ?? MAX_BYTES;
  return new Promise<Fetched>((resolve, reject) => {
    const fail = (message: string) => reject(new ClientMetadataError(message));
    const req = request(
      url,
      {
        method: 'GET',
        agent,
        headers: { accept: 'application/json', 'user-agent': 'Tasktalk-OAuth' },
        signal: AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS),
        ...(options.ca ? { ca: options.ca } : {}),
        ...(options.lookup ? { lookup: options.lookup } : {}),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        // SSRF defence: a redirect could lead anywhere, private addresses included.
        if (status >= 300 && status < 400) {
          res.destroy();
          return fail(`client metadata document answered a redirect (${status}); redirects are not followed`);
        }
        if (status !== 200) {
          res.destroy();
          return fail(`client metadata document answered HTTP ${status}`);
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          res.destroy();
          return fail(`client metadata document is larger than ${maxBytes} bytes`);
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy();
            fail(`client metadata document is larger than ${maxBytes} bytes`);
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', () => fail('client metadata document could not be read'));
        res.on('end', () => {
          if (size > maxBytes) return;
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            return fail('client metadata document is not valid JSON');
          }
          try {
            resolve({
              document: validateDocument(url.href, body),
              maxAgeMs: cacheLifetime(res.headers['cache-control']),
            });
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.name === 'AbortError' || error.name === 'TimeoutError') {
        return fail('client metadata document did not arrive in time');
      }
      // request-filtering-agent refuses private addresses in its DNS lookup: before connecting.
      if (/is not allowed/.test(error.message)) {
        return fail('client metadata document URL resolves to a private or reserved address');
      }
      fail(`client metadata document could not be fetched (${error.code ?? 'network error'})`);
    });
    req.end();
  });
}

export interface ClientMetadataFetcher {
  /** The validated document of `clientId`, from cache or fetched now; throws ClientMetadataError. */
  get(clientId: string): Promise<ClientMetadataDocument>;
}

/**
 * One fetcher per app: its cache is bounded in entries and in time (§4.4), and
 * never holds a failure; concurrent requests for one URL share one fetch.
 */
export function createClientMetadataFetcher(
  options: ClientMetadataFetchOptions,
  clock: { now(): number },
): ClientMetadataFetcher {
  // The resolved address is checked inside the socket's own DNS lookup, so the
  // connection goes to exactly the address that was checked (no DNS rebinding);
  // IP literals are checked before connecting. Non-unicast ranges are refused:
  // private, loopback, link-local, unique-local, CGNAT, multicast, reserved.
  const agent = options.allowPrivate
    ? new Agent({ keepAlive: false })
    : new RequestFilteringHttpsAgent({ keepAlive: false, allowPrivateIPAddress: false, allowMetaIPAddress: false });
  const cache = new Map<string, { document: ClientMetadataDocument; until: number }>();
  const pending = new Map<string, Promise<Fetched>>();

  return {
    async get(clientId) {
      const url = parseClientIdUrl(clientId);
      const cached = cache.get(clientId);
      if (cached && cached.until > clock.now()) return cached.document;
      cache.delete(clientId);
      let inFlight = pending.get(clientId);
      if (!inFlight) {
        inFlight = fetchOnce(url, options, agent);
        pending.set(clientId, inFlight);
      }
      try {
        const { document, maxAgeMs } = await inFlight;
        if (cache.size >= CACHE_ENTRIES) {
          const oldest = cache.keys().next();
          if (!oldest.done) cache.delete(oldest.value);
        }
        cache.set(clientId, { document, until: clock.now() + maxAgeMs });
        return document;
      } finally {
        pending.delete(clientId);
      }
    },
  };
}
