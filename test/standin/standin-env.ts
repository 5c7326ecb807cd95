// Temp-dir installations of the stand-in server and agent: the files GoCD keeps in /etc/go, /var/lib and
// /usr/share/*/wrapper-config, written under one directory, plus the env vars pointing the programs there.
import fs from "node:fs/promises";
import path from "node:path";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { type PgCluster, psql } from "./pg-cluster.js";
import { AGENT_MAIN, CREATE_ACCESS_TOKEN, SERVER_MAIN, http, spawnNode, waitFor } from "./procs.js";

/** One server installation in a temp dir. */
export interface ServerInstall {
  readonly dir: string;
  readonly port: number;
  readonly configDir: string;
  readonly logFile: string;
  readonly artifactsDir: string;
  readonly env: Record<string, string>;
  readonly url: string;
}

/** cruise-config.xml in GoCD's current form; artifactsDir in the nested element, relative or absolute;
 * `security` is a <security> element (with authConfigs, GoCD's APIs need credentials). */
export function cruiseConfig(tokenGenerationKey: string, artifactsDir: string, security = ""): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<cruise xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="cruise-config.xsd" schemaVersion="139">
  <server agentAutoRegisterKey="k" webhookSecret="w" serverId="test-server" tokenGenerationKey="${tokenGenerationKey}">
    <artifacts>
      <artifactsDir>${artifactsDir}</artifactsDir>
    </artifacts>${security ? `\n    ${security}` : ""}
  </server>
</cruise>
`;
}

/** Write a server installation: cruise-config.xml (relative artifactsDir), db.properties, wrapper properties. */
export async function installServer(
  dir: string,
  opts: {
    port: number;
    dbPort: number;
    tokenGenerationKey: string;
    warmupMs: number;
    configDir?: string;
    security?: string;
  },
): Promise<ServerInstall> {
  const configDir = opts.configDir ?? path.join(dir, "etc-go");
  const dataDir = path.join(dir, "var-lib-go-server");
  const logDir = path.join(dir, "var-log-go-server");
  const wrapperFile = path.join(dir, "wrapper-properties.conf");
  await fs.mkdir(configDir, { recursive: true });
  await fs.mkdir(dataDir, { recursive: true });
  if (!opts.configDir) {
    await fs.writeFile(
      path.join(configDir, "cruise-config.xml"),
      cruiseConfig(opts.tokenGenerationKey, "artifacts", opts.security),
    );
    await fs.writeFile(
      path.join(configDir, "db.properties"),
      `db.driver=org.postgresql.Driver\ndb.url=jdbc:postgresql://127.0.0.1:${opts.dbPort}/gocd\n` +
        "db.user=gocd_database_user\ndb.password=not-a-real-secret\n",
    );
  }
  await fs.writeFile(
    wrapperFile,
    `wrapper.java.additional.100=-Dgocd.standin.cache.warmup.ms=${opts.warmupMs}\n` +
      `wrapper.java.additional.101=-Dcruise.server.port=${opts.port}\n` +
      "wrapper.java.additional.102=-Dgocd.standin.listen.host=127.0.0.1\n",
  );
  return {
    dir,
    port: opts.port,
    configDir,
    logFile: path.join(logDir, "go-server.log"),
    artifactsDir: path.join(dataDir, "artifacts"),
    url: `http://127.0.0.1:${opts.port}/go`,
    env: {
      GO_CONFIG_DIR: configDir,
      GO_SERVER_DATA_DIR: dataDir,
      GO_SERVER_LOG_DIR: logDir,
      GO_SERVER_WRAPPER_PROPERTIES: wrapperFile,
    },
  };
}

/** Start the server program on an installation (extra env vars, e.g. knobs, on top of its own). */
export function startServer(install: ServerInstall, env: Record<string, string> = {}): ChildProcess {
  return spawnNode(SERVER_MAIN, { ...install.env, ...env });
}

/** Run the server's create-access-token program on an installation: exit code and output. */
export async function createAccessToken(
  install: ServerInstall,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CREATE_ACCESS_TOKEN, ...args], { env: { ...process.env, ...install.env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code: code ?? 1, stdout, stderr };
}

/** Wait until the server's health says OK. */
export function waitHealthy(s: ServerInstall): Promise<true> {
  return waitFor(`health OK on ${s.url}`, async () =>
    (await http(`${s.url}/api/v1/health`))?.status === 200 ? true : undefined,
  );
}

/** GoCD's database and user on a fresh cluster, as installServer's db.properties expects them. */
export async function createGocdDatabase(cluster: PgCluster): Promise<void> {
  await psql(cluster, "postgres", "CREATE ROLE gocd_database_user LOGIN PASSWORD 'not-a-real-secret'");
  await psql(cluster, "postgres", "CREATE DATABASE gocd OWNER gocd_database_user");
}

/** One agent installation in a temp dir. */
export interface AgentInstall {
  readonly configDir: string;
  readonly logFile: string;
  readonly statusUrl: string;
  readonly env: Record<string, string>;
}

/** Write an agent installation whose wrapper properties point at `serverUrl`. */
export async function installAgent(
  dir: string,
  opts: { serverUrl: string; statusPort: number; pingIntervalMs: number; jobIntervalMs?: number },
): Promise<AgentInstall> {
  const wrapperFile = path.join(dir, "agent-wrapper-properties.conf");
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(
    wrapperFile,
    `wrapper.app.parameter.100=-serverUrl\nwrapper.app.parameter.101=${opts.serverUrl}\n` +
      `wrapper.java.additional.100=-Dgocd.standin.ping.interval.ms=${opts.pingIntervalMs}\n` +
      `wrapper.java.additional.101=-Dgo.agent.status.api.bind.port=${opts.statusPort}\n` +
      (opts.jobIntervalMs === undefined
        ? ""
        : `wrapper.java.additional.102=-Dgocd.standin.job.interval.ms=${opts.jobIntervalMs}\n`),
  );
  const dataDir = path.join(dir, "var-lib-go-agent");
  const logDir = path.join(dir, "var-log-go-agent");
  return {
    configDir: path.join(dataDir, "config"),
    logFile: path.join(logDir, "go-agent.log"),
    statusUrl: `http://127.0.0.1:${opts.statusPort}/health/v1/isConnectedToServer`,
    env: { GO_AGENT_DATA_DIR: dataDir, GO_AGENT_LOG_DIR: logDir, GO_AGENT_WRAPPER_PROPERTIES: wrapperFile },
  };
}

/** Start the agent program on an installation. */
export function startAgent(install: AgentInstall): ChildProcess {
  return spawnNode(AGENT_MAIN, install.env);
}
