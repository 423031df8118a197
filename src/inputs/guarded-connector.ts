/**
 * The connect-time half of the SSRF guard: an undici connector that never opens a socket
 * to an address the policy forbids.
 *
 * A host name is resolved exactly once, here; every answer is checked; and the socket is
 * opened to one of those checked IP addresses (with the original name kept as the TLS
 * server name, so certificates are still verified against it). The underlying connector
 * only ever sees IP literals, so nothing below us resolves the name again: a DNS server
 * cannot answer "public" to the check and "loopback" to the connect (no rebinding gap).
 */
import { lookup as dnsLookup, ADDRCONFIG } from 'node:dns';
import { isIP } from 'node:net';
import { promisify } from 'node:util';
import { buildConnector } from 'undici';

/** One resolved address, as `dns.lookup(..., { all: true })` returns it. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has. Inject one in tests; the default asks the OS. */
export type HostLookup = (hostname: string) => Promise<ResolvedAddress[]>;

/**
 * Decides whether a socket may be opened to `address:port`: the error to fail with, or
 * `undefined` to allow. Called for every address before any connection.
 */
export type AddressCheck = (address: string, port: number) => Error | undefined;

/** undici's connector shape: opens a socket for `options` and reports it to `callback`. */
export type Connector = buildConnector.connector;

export interface GuardedConnectorOptions {
  check: AddressCheck;
  lookup: HostLookup;
  /** Opens the socket to an already-checked IP. Defaults to undici's own connector. */
  connect: Connector;
}

const lookupAll = promisify(dnsLookup);

/** The system resolver: all addresses, in the order the OS prefers them. */
export const systemLookup: HostLookup = async (hostname) => {
  const found = await lookupAll(hostname, { all: true, verbatim: true, hints: ADDRCONFIG });
  return found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/** undici's default connector with a connect timeout. */
export function defaultConnector(timeoutMs: number): Connector {
  return buildConnector({ timeout: timeoutMs });
}

/** Builds an undici `connect` function that only ever connects to checked addresses. */
export function buildGuardedConnector(options: GuardedConnectorOptions): Connector {
  return (connectOptions, callback) => {
    const port = Number(connectOptions.port) || (connectOptions.protocol === 'https:' ? 443 : 80);
    const host = connectOptions.hostname.startsWith('[')
      ? connectOptions.hostname.slice(1, -1)
      : connectOptions.hostname;
    if (isIP(host) !== 0) {
      const refusal = options.check(host, port);
      if (refusal !== undefined) callback(refusal, null);
      else options.connect({ ...connectOptions, hostname: host }, callback);
      return;
    }
    resolveChecked(options, host, port).then(
      (addresses) =>
        connectInTurn(
          options.connect,
          { ...connectOptions, servername: connectOptions.servername ?? host },
          addresses,
          callback,
        ),
      (error: Error) => callback(error, null),
    );
  };
}

async function resolveChecked(options: GuardedConnectorOptions, hostname: string, port: number): Promise<string[]> {
  const resolved = await options.lookup(hostname);
  // Any forbidden answer condemns the name: a host that resolves to both a public and a
  // private address is what a rebinding attack looks like.
  for (const { address } of resolved) {
    const refusal = options.check(address, port);
    if (refusal !== undefined) throw refusal;
  }
  const usable = resolved.map((entry) => entry.address).filter((address) => isIP(address) !== 0);
  if (usable.length === 0) throw Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' });
  return usable;
}

/** Tries the checked addresses one after another (a dual-stack host may be unreachable on one). */
function connectInTurn(
  connect: Connector,
  connectOptions: buildConnector.Options,
  addresses: string[],
  callback: buildConnector.Callback,
): void {
  const [address, ...rest] = addresses;
  connect({ ...connectOptions, hostname: address! }, (...args) => {
    if (args[0] !== null && rest.length > 0) connectInTurn(connect, connectOptions, rest, callback);
    else callback(...args);
  });
}
