import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key every IP-based limit counts a client by (SPEC §3.3). An IPv4 client is
 * its address. An IPv6 client is its /64: one subscriber usually holds a whole
 * /64 (RFC 6177; RFC 7421 §1) and can pick any address in it, so counting single
 * addresses would give it 2^64 budgets. IPv4-mapped IPv6 (`::ffff:a.b.c.d`, as a
 * dual-stack socket reports IPv4 peers) counts as the IPv4 address.
 *
 * Returns `ip:<address>` or `ip6:<first four hextets>::/64`; `ip:unknown` when
 * there is no usable address.
 */
export function clientKey(ip: string | null | undefined): string {
  if (!ip) return 'ip:unknown';
  const address = ip.trim();
  if (isIPv4(address)) return `ip:${address}`;
  const zoneless = address.split('%')[0] ?? address;
  if (!isIPv6(zoneless)) return `ip:${address}`;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(zoneless);
  if (mapped?.[1] && isIPv4(mapped[1])) return `ip:${mapped[1]}`;
  return `ip6:${expandIPv6(zoneless).slice(0, 4).join(':')}::/64`;
}

/** The eight hextets of an IPv6 address, lower-case, without leading zeros. */
function expandIPv6(address: string): string[] {
  let text = address.toLowerCase();
  // A trailing dotted quad (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) becomes two hextets.
  const quad = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((h) => Number.parseInt(h, 16).toString(16));
}
