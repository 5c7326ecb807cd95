// Where and how to connect: inventory values merged over ~/.ssh/config (inventory wins, as in Ansible).
// Pure given the parsed config and the local environment; `loadSshConfig` is the only I/O here.
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import SSHConfig from "ssh-config";
import type { Secret } from "./command.js";

/** What the inventory says about one host (ansible_host, ansible_port, ansible_user, ...). */
export interface SshTarget {
  /** Inventory name, used in messages. */
  readonly name: string;
  /** Address or ssh-config alias to connect to (ansible_host); default `name`. */
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly privateKeyFile?: string;
  readonly passphrase?: Secret;
  readonly password?: Secret;
  /** When set, the only known_hosts file consulted (and the one trust-on-first-use writes). */
  readonly knownHostsFile?: string;
  /** Accept and record an unknown host key (never a changed one). */
  readonly trustOnFirstUse?: boolean;
  readonly connectTimeoutMs?: number;
  /** `[user@]host[:port]`, comma separated; `none` disables the config's ProxyJump. */
  readonly proxyJump?: string;
  /** sshd's MaxSessions (default 10): caps concurrent commands on the connection. */
  readonly maxSessions?: number;
  /** The ssh config file to honour; default ~/.ssh/config; false ignores ssh config entirely. */
  readonly sshConfigFile?: string | false;
}

/** What to do with a host key that is not in known_hosts. */
export type UnknownKeyPolicy = "refuse" | "accept-new";

/** A fully resolved endpoint: everything needed to open one ssh transport. */
export interface ResolvedTarget {
  readonly name: string;
  readonly hostname: string;
  readonly port: number;
  readonly user: string;
  readonly identityFiles: readonly string[];
  /** Inventory's key file or config's IdentitiesOnly: do not offer agent keys first. */
  readonly identitiesOnly: boolean;
  /** ssh-agent socket, or undefined for none. */
  readonly agent?: string;
  /** Consulted in order; the first is where trust-on-first-use writes. */
  readonly knownHostsFiles: readonly string[];
  readonly unknownKeyPolicy: UnknownKeyPolicy;
  readonly hashKnownHosts: boolean;
  readonly connectTimeoutMs: number;
  readonly passphrase?: Secret;
  readonly password?: Secret;
  /** Hosts to hop through, in order (already resolved, without hops of their own). */
  readonly jumps: readonly ResolvedTarget[];
}

/** The local facts resolution depends on (injected so resolution stays pure and testable). */
export interface LocalEnv {
  readonly home: string;
  readonly localUser: string;
  readonly agentSocket?: string;
}

/** The current process's environment as a LocalEnv. */
export function currentEnv(): LocalEnv {
  return { home: os.homedir(), localUser: os.userInfo().username, agentSocket: process.env.SSH_AUTH_SOCK || undefined };
}

/** Reads an ssh config file; a missing file is an empty config. */
export async function loadSshConfig(file: string): Promise<SSHConfig> {
  try {
    return SSHConfig.parse(await readFile(file, "utf8"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return new SSHConfig();
    throw e;
  }
}

/** The default ssh config path for an environment. */
export function defaultSshConfigPath(env: LocalEnv): string {
  return path.join(env.home, ".ssh", "config");
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_IDENTITIES = ["id_ed25519", "id_ecdsa", "id_rsa"];

/** Merges inventory values over the ssh config for `target` (and its ProxyJump hops). */
export function resolveTarget(target: SshTarget, config: SSHConfig, env: LocalEnv): ResolvedTarget {
  const resolved = resolveOne(target, config, env);
  const jumpSpec = target.proxyJump ?? str(lookup(config, target).proxyjump);
  if (jumpSpec === undefined || jumpSpec === "none") return resolved;
  // Hops get their own config block; the inventory's key file and known_hosts file apply to them too.
  const inherited = {
    privateKeyFile: target.privateKeyFile,
    passphrase: target.passphrase,
    knownHostsFile: target.knownHostsFile,
    trustOnFirstUse: target.trustOnFirstUse,
    connectTimeoutMs: target.connectTimeoutMs,
  };
  const jumps = parseProxyJump(jumpSpec).map((hop) =>
    resolveOne({ ...inherited, name: hop.host, host: hop.host, port: hop.port, user: hop.user }, config, env),
  );
  return { ...resolved, jumps };
}

function lookup(config: SSHConfig, target: SshTarget): Record<string, string | string[]> {
  // Passing User makes compute() report it back as the user, so pass it only when the inventory sets one.
  const query =
    target.user !== undefined
      ? { Host: target.host ?? target.name, User: target.user }
      : { Host: target.host ?? target.name };
  return config.compute(query, { ignoreCase: true, matchExec: false });
}

function resolveOne(target: SshTarget, config: SSHConfig, env: LocalEnv): ResolvedTarget {
  const c = lookup(config, target);
  const alias = target.host ?? target.name;
  const hostname = expandTokens(str(c.hostname) ?? alias, { h: alias, d: env.home, u: env.localUser, r: "" });
  const port = target.port ?? num(str(c.port)) ?? 22;
  const user = target.user ?? str(c.user) ?? env.localUser;
  const tokens = { h: hostname, d: env.home, u: env.localUser, r: user, p: String(port) };
  const fromConfig = list(c.identityfile).map((f) => expandPath(f, env, tokens));
  const explicit = [...(target.privateKeyFile ? [expandPath(target.privateKeyFile, env, tokens)] : []), ...fromConfig];
  const identityFiles = explicit.length > 0 ? explicit : DEFAULT_IDENTITIES.map((f) => path.join(env.home, ".ssh", f));
  const agentSetting = str(c.identityagent);
  const agent =
    agentSetting === "none" ? undefined : agentSetting ? expandPath(agentSetting, env, tokens) : env.agentSocket;
  const strict = (str(c.stricthostkeychecking) ?? "yes").toLowerCase();
  return {
    name: target.name,
    hostname,
    port,
    user,
    identityFiles,
    identitiesOnly: target.privateKeyFile !== undefined || yes(str(c.identitiesonly)),
    agent,
    knownHostsFiles: knownHostsFiles(target, c, env, tokens),
    unknownKeyPolicy: target.trustOnFirstUse || ["no", "off", "accept-new"].includes(strict) ? "accept-new" : "refuse",
    hashKnownHosts: yes(str(c.hashknownhosts)),
    connectTimeoutMs: target.connectTimeoutMs ?? secondsToMs(num(str(c.connecttimeout))) ?? DEFAULT_CONNECT_TIMEOUT_MS,
    passphrase: target.passphrase,
    password: target.password,
    jumps: [],
  };
}

function knownHostsFiles(
  target: SshTarget,
  c: Record<string, string | string[]>,
  env: LocalEnv,
  tokens: Record<string, string>,
): string[] {
  if (target.knownHostsFile !== undefined) return [expandPath(target.knownHostsFile, env, tokens)];
  const words = (v: string | string[] | undefined) =>
    list(v)
      .flatMap((s) => s.split(/\s+/))
      .filter((s) => s !== "" && s !== "none");
  const user =
    c.userknownhostsfile !== undefined ? words(c.userknownhostsfile) : ["~/.ssh/known_hosts", "~/.ssh/known_hosts2"];
  const global =
    c.globalknownhostsfile !== undefined
      ? words(c.globalknownhostsfile)
      : ["/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"];
  return [...user, ...global].map((f) => expandPath(f, env, tokens));
}

/** Parses ProxyJump: `[user@]host[:port]` or `ssh://[user@]host[:port]`, comma separated. */
export function parseProxyJump(value: string): Array<{ host: string; user?: string; port?: number }> {
  return value
    .split(",")
    .map((s) => s.trim().replace(/^ssh:\/\//, ""))
    .filter((s) => s !== "")
    .map((hop) => {
      const at = hop.lastIndexOf("@");
      const user = at >= 0 ? hop.slice(0, at) : undefined;
      const rest = at >= 0 ? hop.slice(at + 1) : hop;
      const m = /^\[(.+)\](?::(\d+))?$/.exec(rest) ?? /^([^:]+)(?::(\d+))?$/.exec(rest);
      const host = m?.[1] ?? rest;
      const port = m?.[2] !== undefined ? Number(m[2]) : undefined;
      return { host, ...(user ? { user } : {}), ...(port !== undefined ? { port } : {}) };
    });
}

/** Expands `~/` and ssh's %-tokens (%d home, %u local user, %h host, %r remote user, %p port, %% percent). */
export function expandPath(p: string, env: LocalEnv, tokens: Record<string, string>): string {
  const expanded = expandTokens(p, { ...tokens, d: env.home });
  return expanded === "~" ? env.home : expanded.startsWith("~/") ? path.join(env.home, expanded.slice(2)) : expanded;
}

function expandTokens(s: string, tokens: Record<string, string>): string {
  return s.replace(/%([%a-zA-Z])/g, (all, t: string) => (t === "%" ? "%" : (tokens[t] ?? all)));
}

function str(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function list(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function num(v: string | undefined): number | undefined {
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function secondsToMs(s: number | undefined): number | undefined {
  return s === undefined ? undefined : s * 1000;
}

function yes(v: string | undefined): boolean {
  return v?.toLowerCase() === "yes";
}
