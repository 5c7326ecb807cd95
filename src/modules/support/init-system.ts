// How a service is driven on this host: systemd when it is PID 1's manager, Debian's pg_ctlcluster for
// `postgresql@VERSION-CLUSTER` without systemd, otherwise the LSB init script and update-rc.d (the lab).
// Each driver is a set of commands plus how to read their answers, so `service` stays one decision.
import { cmd, type Command } from "../../connection/index.js";
import type { HostReader } from "../contract.js";
import { probe } from "./exec.js";

/** What drives the service; shown in reasons so a user sees which mechanism was asked. */
export type ServiceManagerKind = "systemd" | "sysv" | "pg_ctlcluster";

/** The actions the service module takes. */
export type ServiceVerb = "start" | "stop" | "restart" | "reload";

/** The observed state: running (null when the manager cannot tell) and enabled at boot (null: unknown). */
export interface ServiceState {
  readonly running: boolean | null;
  readonly enabled: boolean | null;
}

/** Commands and readers for one service under one manager. */
export interface ServiceDriver {
  readonly kind: ServiceManagerKind;
  /** Why the service cannot be managed (e.g. no init script), or undefined. */
  readonly missing?: string;
  state(): Promise<ServiceState>;
  action(verb: ServiceVerb): Command;
  setEnabled(enabled: boolean): Command;
}

/** True when systemd manages the host (sd_booted(3): /run/systemd/system exists). */
export async function hasSystemd(ctx: HostReader): Promise<boolean> {
  return (await probe(ctx, cmd`test -d /run/systemd/system`)).exitCode === 0;
}

/** `postgresql@15-main` -> {version: "15", cluster: "main"}; undefined for other names. */
export function pgClusterUnit(name: string): { version: string; cluster: string } | undefined {
  const m = /^postgresql@(\d+)-([^.]+)(\.service)?$/.exec(name);
  return m ? { version: m[1] as string, cluster: m[2] as string } : undefined;
}

/** The driver for `name` on this host; `pattern` is the process to look for when a script has no status. */
export async function serviceDriver(ctx: HostReader, name: string, pattern?: string): Promise<ServiceDriver> {
  if (await hasSystemd(ctx)) return systemdDriver(ctx, name);
  const pg = pgClusterUnit(name);
  if (pg) return pgClusterDriver(ctx, pg.version, pg.cluster);
  return sysvDriver(ctx, name, pattern);
}

function systemdDriver(ctx: HostReader, name: string): ServiceDriver {
  return {
    kind: "systemd",
    async state() {
      const active = await probe(ctx, cmd`systemctl is-active -- ${name}`);
      const enabled = await probe(ctx, cmd`systemctl is-enabled -- ${name}`);
      const word = enabled.stdout.trim();
      // "enabled-runtime" is a link under /run (Debian's PostgreSQL generator makes one for each cluster,
      // wanted by postgresql.service): it starts at boot only while something else does, so it is not
      // enabled in the sense `enabled: true` asks for, and `systemctl enable` makes it so.
      return { running: active.exitCode === 0, enabled: word === "" ? null : word === "enabled" };
    },
    action: (verb) => cmd`systemctl ${verb} -- ${name}`,
    setEnabled: (on) => cmd`systemctl ${on ? "enable" : "disable"} -- ${name}`,
  };
}

async function sysvDriver(ctx: HostReader, name: string, pattern?: string): Promise<ServiceDriver> {
  const script = `/etc/init.d/${name}`;
  const exists = (await probe(ctx, cmd`test -x ${script}`)).exitCode === 0;
  return {
    kind: "sysv",
    ...(exists ? {} : { missing: `no systemd on this host and no init script ${script}` }),
    async state() {
      const links = await probe(ctx, cmd`ls /etc/rc2.d /etc/rc3.d /etc/rc4.d /etc/rc5.d 2>/dev/null`);
      const names = links.stdout.split("\n").map((l) => l.trim());
      const enabled = names.some((l) => /^S\d\d/.test(l) && l.slice(3) === name);
      return { running: await sysvRunning(ctx, script, pattern), enabled };
    },
    action: (verb) => cmd`${script} ${verb}`,
    setEnabled: (on) =>
      on
        ? cmd`update-rc.d ${name} defaults >/dev/null && update-rc.d ${name} enable`
        : cmd`update-rc.d ${name} disable`,
  };
}

/** LSB: `status` exits 0 when running and 3 when stopped; anything else falls back to `pattern` (pgrep). */
async function sysvRunning(ctx: HostReader, script: string, pattern?: string): Promise<boolean | null> {
  const status = await probe(ctx, cmd`${script} status`);
  if (status.exitCode === 0) return true;
  if (status.exitCode === 3) return false;
  if (pattern === undefined) return null;
  return (await probe(ctx, cmd`pgrep -f -- ${pattern}`)).exitCode === 0;
}

function pgClusterDriver(ctx: HostReader, version: string, cluster: string): ServiceDriver {
  const startConf = `/etc/postgresql/${version}/${cluster}/start.conf`;
  return {
    kind: "pg_ctlcluster",
    async state() {
      const status = await probe(ctx, cmd`pg_ctlcluster ${version} ${cluster} status`);
      const conf = await ctx.get(startConf);
      const word = conf === null ? "auto" : startWord(conf.toString("utf8"));
      const running = status.exitCode === 0 ? true : status.exitCode === 3 ? false : null;
      return { running, enabled: word === "auto" };
    },
    action: (verb) => cmd`pg_ctlcluster ${version} ${cluster} ${verb}`,
    setEnabled: (on) =>
      cmd`sed -i -E ${`s/^[[:space:]]*(auto|manual|disabled)[[:space:]]*$/${on ? "auto" : "manual"}/`} ${startConf}`,
  };
}

/** The first non-comment word of a Debian start.conf (auto, manual or disabled). */
export function startWord(text: string): string {
  for (const line of text.split("\n")) {
    const t = line.replace(/#.*/, "").trim();
    if (t) return t;
  }
  return "auto";
}
