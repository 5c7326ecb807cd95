// Throwaway PostgreSQL 15 clusters for the stand-in tests: a primary in a temp dir on a free 127.0.0.1 port,
// and a streaming replica of it (pg_basebackup -R), both stopped and deleted by stop().
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** PostgreSQL 15's programs, as Debian installs them. */
export const PG_BIN = "/usr/lib/postgresql/15/bin";

/** A running throwaway cluster. */
export interface PgCluster {
  readonly dataDir: string;
  readonly port: number;
  /** Stop the server (immediate mode); the temp dir is removed by the owner of `root`. */
  stop(): Promise<void>;
}

/** A TCP port nobody listens on right now, on 127.0.0.1 (never 5432 or 8153: the kernel picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

/** Run a PostgreSQL program as user postgres. */
async function asPostgres(program: string, args: string[]): Promise<string> {
  const { stdout } = await run("runuser", ["-u", "postgres", "--", path.join(PG_BIN, program), ...args], {
    timeout: 60_000,
  });
  return stdout;
}

/** A temp dir owned by postgres, to hold clusters and their sockets. */
export async function makePgRoot(): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "gocd-standin-pg-"));
  const { stdout } = await run("id", ["-u", "postgres"]);
  const uid = Number(stdout.trim());
  await fs.chown(root, uid, await run("id", ["-g", "postgres"]).then((r) => Number(r.stdout.trim())));
  await fs.chmod(root, 0o755);
  return root;
}

/** Settings for a fast, local-only test cluster. */
function testSettings(root: string, port: number): string {
  return [
    "",
    "listen_addresses = '127.0.0.1'",
    `port = ${port}`,
    `unix_socket_directories = '${root}'`,
    "fsync = off",
    "synchronous_commit = off",
    "full_page_writes = off",
    "shared_buffers = 16MB",
    "max_connections = 30",
    "",
  ].join("\n");
}

/** Start the cluster in `dataDir` and wrap it as a PgCluster. */
async function start(dataDir: string, port: number): Promise<PgCluster> {
  await asPostgres("pg_ctl", ["-D", dataDir, "-l", `${dataDir}.log`, "-w", "-t", "30", "start"]);
  return {
    dataDir,
    port,
    stop: async () => {
      await asPostgres("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
    },
  };
}

/** initdb (trust auth, no fsync) and start a primary under `root`. */
export async function createPrimary(root: string): Promise<PgCluster> {
  const dataDir = path.join(root, "primary");
  const port = await freePort();
  await asPostgres("initdb", ["-D", dataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]);
  await fs.appendFile(path.join(dataDir, "postgresql.conf"), testSettings(root, port));
  return start(dataDir, port);
}

/** pg_basebackup -R from `primary` and start it as a hot-standby replica under `root`. */
export async function createReplica(root: string, primary: PgCluster): Promise<PgCluster> {
  const dataDir = path.join(root, "replica");
  const port = await freePort();
  await asPostgres("pg_basebackup", [
    "-h",
    "127.0.0.1",
    "-p",
    String(primary.port),
    "-U",
    "postgres",
    "-D",
    dataDir,
    "-R",
    "-X",
    "stream",
    "-c",
    "fast",
    "--no-sync",
  ]);
  await fs.appendFile(path.join(dataDir, "postgresql.conf"), testSettings(root, port));
  return start(dataDir, port);
}

/** Promote a replica to a primary (pg_ctl promote, waiting until it accepts writes), as a failover does. */
export async function promote(replica: PgCluster): Promise<void> {
  await asPostgres("pg_ctl", ["-D", replica.dataDir, "-w", "-t", "30", "promote"]);
}

/** Run SQL as postgres on a cluster through psql (no pg client needed in the test itself). */
export async function psql(cluster: PgCluster, db: string, sql: string): Promise<string> {
  return asPostgres("psql", [
    "-h",
    "127.0.0.1",
    "-p",
    String(cluster.port),
    "-U",
    "postgres",
    "-d",
    db,
    "-XAtq",
    "-c",
    sql,
  ]);
}
