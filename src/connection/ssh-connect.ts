// Opening an ssh connection: resolve inventory + ssh config, verify host keys, authenticate, hop
// through ProxyJump hosts, and turn every failure into an UnreachableError with a clear reason.
import type { Duplex } from "node:stream";
import ssh2 from "ssh2";
import SSHConfig from "ssh-config";
import { UnreachableError } from "./errors.js";
import { prepareHostKeyCheck } from "./host-keys.js";
import { planAuth } from "./ssh-auth.js";
import {
  currentEnv,
  defaultSshConfigPath,
  loadSshConfig,
  resolveTarget,
  type LocalEnv,
  type ResolvedTarget,
  type SshTarget,
} from "./ssh-config.js";
import { SshConnection } from "./ssh-connection.js";

/** Test seams: a parsed ssh config and local environment instead of the real ones. */
export interface ConnectOverrides {
  readonly sshConfig?: SSHConfig;
  readonly env?: LocalEnv;
}

/** Connects to one inventory host; rejects with UnreachableError (connect, timeout, auth, hostkey-*). */
export async function connectSsh(target: SshTarget, overrides: ConnectOverrides = {}): Promise<SshConnection> {
  const env = overrides.env ?? currentEnv();
  const config =
    overrides.sshConfig ??
    (target.sshConfigFile === false
      ? new SSHConfig()
      : await loadSshConfig(target.sshConfigFile ?? defaultSshConfigPath(env)));
  const resolved = resolveTarget(target, config, env);
  const hops = [...resolved.jumps, resolved];
  const opened: ssh2.Client[] = [];
  try {
    let sock: Duplex | undefined;
    for (const [i, hop] of hops.entries()) {
      const via = i < hops.length - 1 ? ` (jump host for ${resolved.name})` : "";
      const client = await openClient(hop, sock, target.name, via);
      opened.push(client);
      const next = hops[i + 1];
      if (next) sock = await forwardTo(client, next, target.name);
    }
  } catch (e) {
    for (const c of opened.reverse()) c.end();
    throw e;
  }
  const main = opened.pop() as ssh2.Client;
  return new SshConnection(target.name, resolved.user, main, opened, target.maxSessions);
}

// Opens one authenticated ssh2 client to `t`, over `sock` when hopping.
async function openClient(
  t: ResolvedTarget,
  sock: Duplex | undefined,
  name: string,
  via: string,
): Promise<ssh2.Client> {
  const endpoint = `${t.user}@${t.hostname}:${t.port}${via}`;
  const check = await prepareHostKeyCheck(t).catch((e: Error) => {
    throw new UnreachableError(name, "config", `cannot read known_hosts for ${endpoint}: ${e.message}`);
  });
  const auth = await planAuth(t);
  const client = new ssh2.Client();
  return new Promise((resolve, reject) => {
    const onError = (err: Error & { level?: string }) => {
      client.removeListener("ready", onReady);
      const refusal = check.refusal();
      if (refusal)
        return reject(
          refusal.host === name ? refusal : new UnreachableError(name, refusal.reason, `${refusal.message}${via}`),
        );
      reject(classify(err, name, endpoint, t.connectTimeoutMs, auth.describe));
    };
    const onReady = () => {
      client.removeListener("error", onError);
      client.on("error", () => undefined); // later errors surface as a dropped connection
      resolve(client);
    };
    client.once("error", onError);
    client.once("ready", onReady);
    client.connect({
      host: t.hostname,
      port: t.port,
      username: t.user,
      ...(sock ? { sock } : {}),
      readyTimeout: t.connectTimeoutMs,
      hostVerifier: check.verify,
      algorithms: { serverHostKey: check.algorithms as never },
      authHandler: auth.handler,
      keepaliveInterval: 15_000,
      keepaliveCountMax: 4,
    });
  });
}

function classify(
  err: Error & { level?: string; code?: string },
  name: string,
  endpoint: string,
  timeoutMs: number,
  tried: () => string,
): UnreachableError {
  switch (err.level) {
    case "client-timeout":
      return new UnreachableError(
        name,
        "timeout",
        `cannot connect to ${endpoint}: no ssh handshake within ${timeoutMs} ms`,
      );
    case "client-authentication":
      return new UnreachableError(name, "auth", `authentication failed for ${endpoint} (${tried()})`);
    default:
      return new UnreachableError(name, "connect", `cannot connect to ${endpoint}: ${err.message}`);
  }
}

function forwardTo(jump: ssh2.Client, next: ResolvedTarget, name: string): Promise<Duplex> {
  return new Promise((resolve, reject) =>
    jump.forwardOut("127.0.0.1", 0, next.hostname, next.port, (err, ch) =>
      err
        ? reject(
            new UnreachableError(
              name,
              "connect",
              `jump host cannot reach ${next.hostname}:${next.port}: ${err.message}`,
            ),
          )
        : resolve(ch),
    ),
  );
}
