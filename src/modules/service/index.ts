// `service`: a service started, stopped, restarted or reloaded, and enabled at boot or not, through
// systemd where it runs, else Debian's pg_ctlcluster (postgresql@V-C) or the LSB init script.
// `restarted` and `reloaded` always act (as in Ansible); `daemon_reload` runs before other systemd actions,
// and on its own whenever systemd says the unit's files changed since it last read them (NeedDaemonReload),
// so a changed unit file is never started or restarted from systemd's stale copy, and an unchanged one
// leaves the task ok.
import { cmd, type Command } from "../../connection/index.js";
import type { ServiceArgs } from "./schema.js";
import { defineModule, change, fail, ok, type HostReader, type Decision } from "../contract.js";
import { describeState, probe, mustRun } from "../support/exec.js";
import { serviceDriver, type ServiceDriver, type ServiceState, type ServiceVerb } from "../support/init-system.js";

/** The running-state action `state` asks for given what runs now, or an error when the state is unknown. */
export function stateAction(
  wanted: ServiceArgs["state"],
  running: boolean | null,
): ServiceVerb | undefined | { error: string } {
  switch (wanted) {
    case undefined:
      return undefined;
    case "restarted":
      return "restart";
    case "reloaded":
      return running === false ? "start" : "reload";
    case "started":
    case "stopped":
      if (running === null)
        return { error: "cannot tell whether it runs (its status is not LSB-conformant); give `pattern`" };
      if (wanted === "started") return running ? undefined : "start";
      return running ? "stop" : undefined;
  }
}

function describe(s: ServiceState): Record<string, string> {
  const tri = (v: boolean | null, yes: string, no: string) => (v === null ? "unknown" : v ? yes : no);
  return { state: tri(s.running, "running", "stopped"), enabled: tri(s.enabled, "yes", "no") };
}

function afterState(now: ServiceState, verb: ServiceVerb | undefined, enabled: boolean | undefined): ServiceState {
  const running = verb === undefined ? now.running : verb !== "stop";
  return { running, enabled: enabled ?? now.enabled };
}

function okReason(name: string, driver: ServiceDriver, s: ServiceState): string {
  const d = describe(s);
  return `${name} is ${d.state}${s.enabled === null ? "" : ` and ${s.enabled ? "enabled" : "disabled"} at boot`} (${driver.kind})`;
}

/** Whether systemd's copy of the unit is older than its files on disk. */
async function needsDaemonReload(ctx: HostReader, name: string): Promise<boolean> {
  const r = await probe(ctx, cmd`systemctl show -p NeedDaemonReload --value -- ${name}`);
  return r.exitCode === 0 && r.stdout.trim() === "yes";
}

/** The `service` module. */
export default defineModule<ServiceArgs>({
  name: "service",
  async plan(ctx, args): Promise<Decision> {
    if (args.name === undefined) return fail("service: `name` is required");
    if (args.state === undefined && args.enabled === undefined) return fail("service: give `state` and/or `enabled`");
    const driver = await serviceDriver(ctx, args.name, args.pattern);
    if (driver.missing) return fail(`service ${args.name}: ${driver.missing}`);
    const now = await driver.state();
    const verb = stateAction(args.state, now.running);
    if (typeof verb === "object") return fail(`service ${args.name}: ${verb.error}`);
    const enable = args.enabled !== undefined && now.enabled !== args.enabled ? args.enabled : undefined;
    const reload =
      args.daemon_reload === true && driver.kind === "systemd" && (await needsDaemonReload(ctx, args.name));
    if (verb === undefined && enable === undefined && !reload)
      return ok(okReason(args.name, driver, now), { name: args.name, manager: driver.kind });
    const steps: Command[] = [];
    if (args.daemon_reload && driver.kind === "systemd") steps.push(cmd`systemctl daemon-reload`);
    if (enable !== undefined) steps.push(driver.setEnabled(enable));
    if (verb !== undefined) steps.push(driver.action(verb));
    const what = [
      reload ? "daemon-reload" : undefined,
      verb,
      enable === undefined ? undefined : enable ? "enable" : "disable",
    ]
      .filter(Boolean)
      .join(" and ");
    const after = afterState(now, verb, enable);
    const diff = [
      { path: `service ${args.name}`, before: describeState(describe(now)), after: describeState(describe(after)) },
    ];
    return change(
      `${what} ${args.name} (${driver.kind})`,
      async (host) => {
        for (const step of steps) await mustRun(host, step);
        return { name: args.name, manager: driver.kind };
      },
      diff,
      { name: args.name, manager: driver.kind },
    );
  },
});
