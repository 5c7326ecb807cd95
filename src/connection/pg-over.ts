// A pg Client whose traffic rides a Connection's forwarded stream, so a database host needs nothing
// but sshd: TCP (direct-tcpip) or the server's unix socket (OpenSSH streamlocal).
import type { Duplex } from "node:stream";
import type pg from "pg";
import type { Secret } from "./command.js";
import type { Connection } from "./types.js";

/** Where and as whom to reach PostgreSQL on the remote host. */
export interface PgOverOptions {
  /** TCP target as seen from the remote host; default 127.0.0.1. Ignored when socketPath is set. */
  readonly host?: string;
  readonly port?: number;
  /** Unix socket, e.g. /var/run/postgresql/.s.PGSQL.5432 (peer auth sees the ssh login user). */
  readonly socketPath?: string;
  readonly user: string;
  readonly password?: Secret;
  readonly database?: string;
  readonly connectTimeoutMs?: number;
  /** Shown by PostgreSQL in pg_stat_activity. */
  readonly applicationName?: string;
}

/** Opens the forwarded stream and returns a connected pg.Client over it; call `client.end()` when done. */
export async function pgClientOver(conn: Connection, opts: PgOverOptions): Promise<pg.Client> {
  // pg is loaded here, by the first task that connects, not when the program starts.
  const { default: pgLib } = await import("pg");
  const stream =
    opts.socketPath !== undefined
      ? await conn.forwardOutUnix(opts.socketPath)
      : await conn.forwardOut(opts.host ?? "127.0.0.1", opts.port ?? 5432);
  const client = new pgLib.Client({
    user: opts.user,
    ...(opts.password !== undefined ? { password: opts.password.value } : {}),
    database: opts.database ?? opts.user,
    application_name: opts.applicationName ?? "gocd-bc",
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    stream: () => asSocketLike(stream),
  });
  try {
    await client.connect();
  } catch (e) {
    stream.destroy();
    throw e;
  }
  return client;
}

/**
 * pg drives its stream like a net.Socket: connect(port, host), then waits for 'connect'; it also calls
 * setNoDelay/setKeepAlive/ref/unref. The forwarded stream is already open, so connect only announces it.
 */
export function asSocketLike(stream: Duplex): Duplex {
  const s = stream as Duplex & Record<string, unknown>;
  s.connect = () => {
    process.nextTick(() => stream.emit("connect"));
    return stream;
  };
  for (const name of ["setNoDelay", "setKeepAlive", "ref", "unref"]) {
    if (typeof s[name] !== "function") s[name] = () => stream;
  }
  return stream;
}
