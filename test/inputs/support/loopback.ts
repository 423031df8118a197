/**
 * Test plumbing for the fetch tests: HTTP servers that listen on loopback only, and a
 * connector that refuses (without touching the network) anything but a loopback address,
 * so that even a broken guard can never send test traffic elsewhere.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultConnector, type Connector, type HostLookup } from '../../../src/inputs/guarded-connector.js';

export interface LoopbackServer {
  port: number;
  /** Connections the server has accepted so far. */
  connections: () => number;
  close: () => Promise<void>;
}

export async function startLoopbackServer(
  handler: RequestListener,
  host: '127.0.0.1' | '::1' = '127.0.0.1',
): Promise<LoopbackServer> {
  const server: Server = createServer(handler);
  let connections = 0;
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ConnectSpy {
  connector: Connector;
  /** Every socket the fetcher asked for, as `hostname:port` (plus TLS name when set). */
  attempts: string[];
}

/** Records every connect; opens real sockets only to 127.0.0.1 / ::1 and only when `live`. */
export function connectSpy(live = false): ConnectSpy {
  const attempts: string[] = [];
  const real = defaultConnector(2000);
  const connector: Connector = (options, callback) => {
    attempts.push(
      `${options.hostname}:${options.port || (options.protocol === 'https:' ? 443 : 80)}${options.servername ? ` (${options.servername})` : ''}`,
    );
    if (!live || (options.hostname !== '127.0.0.1' && options.hostname !== '::1')) {
      callback(Object.assign(new Error('test tripwire: connection not opened'), { code: 'ETRIPWIRE' }), null);
      return;
    }
    real(options, callback);
  };
  return { connector, attempts };
}

export interface LookupSpy {
  lookup: HostLookup;
  calls: string[];
}

/** A resolver that answers from a fixed table and records every question. */
export function lookupSpy(table: Record<string, string[]> = {}): LookupSpy {
  const calls: string[] = [];
  const lookup: HostLookup = async (hostname) => {
    calls.push(hostname);
    const addresses = table[hostname] ?? ['127.0.0.1'];
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { lookup, calls };
}
