/**
 * Which network addresses a server-side fetch may connect to.
 *
 * The policy is an allow-list, not a block-list: an IPv4 address is allowed only when
 * ipaddr.js classifies it as plain `unicast` (so loopback, private, link-local, CGNAT,
 * multicast, broadcast, unspecified, documentation/benchmarking/reserved ranges are all
 * refused), and an IPv6 address only when it is global unicast (2000::/3) outside every
 * special range. IPv6 forms that carry an IPv4 address inside them (IPv4-mapped,
 * IPv4-translated, IPv4-compatible, NAT64, 6to4, Teredo) are judged by the IPv4 address
 * they embed, because that is where the packets end up.
 *
 * Deliberately not built on the `private-ip` package: it lets `::ffff:127.0.0.1` through.
 */
import ipaddr from 'ipaddr.js';

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

/** Whether a fetch must refuse to connect to `ip`. Anything that does not parse as an IP is refused. */
export function isBlockedAddress(ip: string): boolean {
  const parsed = parseAddress(ip);
  if (parsed === undefined) return true;
  return parsed.kind() === 'ipv4' ? isBlockedV4(parsed as IPv4) : isBlockedV6(parsed as IPv6);
}

/** Strips URL brackets (`[::1]`) and parses; `undefined` when it is not an IP address. */
function parseAddress(ip: string): IPv4 | IPv6 | undefined {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  try {
    return ipaddr.parse(bare);
  } catch {
    return undefined;
  }
}

function isBlockedV4(address: IPv4): boolean {
  // 'unicast' is ipaddr.js's name for "in none of the special ranges".
  return address.range() !== 'unicast';
}

function isBlockedV6(address: IPv6): boolean {
  const words = address.parts;
  const embedded = embeddedIPv4(words);
  if (embedded === 'refuse') return true;
  if (embedded !== undefined) return embedded.some(isBlockedV4);
  // Only 2000::/3 is allocated for global unicast; everything else is special or unassigned.
  if ((words[0]! & 0xe000) !== 0x2000) return true;
  return address.range() !== 'unicast';
}

/**
 * The IPv4 addresses an IPv6 address forwards to, `undefined` when it embeds none, or
 * `'refuse'` for a translation prefix whose layout we do not trust (local-use NAT64).
 */
function embeddedIPv4(w: number[]): IPv4[] | 'refuse' | undefined {
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const zero = (from: number, to: number) => w.slice(from, to).every((x) => x === 0);
  // ::ffff:a.b.c.d (IPv4-mapped) and ::a.b.c.d (IPv4-compatible; also covers :: and ::1).
  if (zero(0, 5) && (w[5] === 0xffff || w[5] === 0)) return [v4(w[6]!, w[7]!)];
  // ::ffff:0:a.b.c.d (IPv4-translated, RFC 6145).
  if (zero(0, 4) && w[4] === 0xffff && w[5] === 0) return [v4(w[6]!, w[7]!)];
  // 64:ff9b::/96 (NAT64 well-known prefix, RFC 6052).
  if (w[0] === 0x64 && w[1] === 0xff9b && zero(2, 6)) return [v4(w[6]!, w[7]!)];
  // 64:ff9b:1::/48 (local-use NAT64, RFC 8215): the IPv4 position depends on the operator.
  if (w[0] === 0x64 && w[1] === 0xff9b && w[2] === 1) return 'refuse';
  // 2002:AABB:CCDD::/48 (6to4).
  if (w[0] === 0x2002) return [v4(w[1]!, w[2]!)];
  // 2001:0:SSSS:SSSS:flags:port:CCCC:CCCC (Teredo): server in clear, client XOR-obfuscated.
  if (w[0] === 0x2001 && w[1] === 0) return [v4(w[2]!, w[3]!), v4(~w[6]! & 0xffff, ~w[7]! & 0xffff)];
  return undefined;
}
