// `apt`: Debian packages present, absent or at the candidate version, and the package cache fresh.
// Facts are dpkg-query and apt-cache policy (pure parsers below); an apt-get update that is due counts as
// a change (it rewrites the package lists), so `cache_valid_time` is what makes a re-run report ok.
import { cmd, type Command } from "../../connection/index.js";
import type { AptArgs } from "./schema.js";
import { defineModule, change, fail, ok, type ModuleContext, type Decision } from "../contract.js";
import { describeState, probe, mustRead, mustRun } from "../support/exec.js";

/** `name=version` split; `version` undefined when the name does not pin one. */
export function splitPin(spec: string): { name: string; version?: string } {
  const i = spec.indexOf("=");
  return i < 0 ? { name: spec } : { name: spec.slice(0, i), version: spec.slice(i + 1) };
}

/** Installed versions from `dpkg-query -W -f '${Package}\t${db:Status-Abbrev}\t${Version}\n'` ("ii" = installed). */
export function parseDpkgQuery(stdout: string): Map<string, string> {
  const installed = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const [name, status, version] = line.split("\t");
    if (name && status && version !== undefined && /^[ih]i/.test(status)) installed.set(name, version);
  }
  return installed;
}

/** Installed and candidate versions per package from `apt-cache policy` ("(none)" read as undefined). */
export function parseAptPolicy(stdout: string): Map<string, { installed?: string; candidate?: string }> {
  const out = new Map<string, { installed?: string; candidate?: string }>();
  let current: { installed?: string; candidate?: string } | undefined;
  for (const line of stdout.split("\n")) {
    const head = /^(\S+):$/.exec(line);
    if (head) {
      current = {};
      out.set(head[1] as string, current);
    }
    const field = /^\s+(Installed|Candidate):\s*(\S+)/.exec(line);
    if (field && current) {
      const value = field[2] === "(none)" ? undefined : field[2];
      if (field[1] === "Installed") current.installed = value;
      else current.candidate = value;
    }
  }
  return out;
}

async function installedVersions(ctx: ModuleContext, names: string[]): Promise<Map<string, string>> {
  const format = "${Package}\t${db:Status-Abbrev}\t${Version}\n";
  return parseDpkgQuery((await probe(ctx, cmd`dpkg-query -W -f ${format} -- ${names}`)).stdout);
}

async function policy(ctx: ModuleContext, names: string[]) {
  return parseAptPolicy(await mustRead(ctx, cmd`LC_ALL=C apt-cache policy -- ${names}`));
}

/** Seconds since the last successful apt-get update (or the lists changed), as the host's clock says. */
async function cacheAge(ctx: ModuleContext): Promise<number> {
  const out = await probe(
    ctx,
    cmd`echo $(date +%s) $(stat -c %Y /var/lib/apt/periodic/update-success-stamp /var/lib/apt/lists 2>/dev/null)`,
  );
  const [now, ...stamps] = out.stdout.trim().split(/\s+/).map(Number);
  return (now ?? 0) - Math.max(0, ...stamps.filter((n) => Number.isFinite(n)));
}

interface PackageWork {
  readonly install: string[];
  readonly remove: string[];
  readonly before: Record<string, string>;
  readonly after: Record<string, string>;
}

async function packageWork(
  ctx: ModuleContext,
  specs: string[],
  state: NonNullable<AptArgs["state"]>,
): Promise<PackageWork | string> {
  const pins = specs.map(splitPin);
  const installed = await installedVersions(
    ctx,
    pins.map((p) => p.name),
  );
  const work: PackageWork = { install: [], remove: [], before: {}, after: {} };
  const needsCandidate = state === "latest" || pins.some((p) => !installed.has(p.name) && state === "present");
  const pol = needsCandidate
    ? await policy(
        ctx,
        pins.map((p) => p.name),
      )
    : new Map();
  for (const pin of pins) {
    const have = installed.get(pin.name);
    const candidate = pol.get(pin.name)?.candidate;
    const want =
      state === "absent" ? undefined : (pin.version ?? (state === "latest" || have === undefined ? candidate : have));
    if (state !== "absent" && want === undefined)
      return `no installation candidate for ${pin.name} (is its source in the apt lists?)`;
    if (have === want) continue;
    work.before[pin.name] = have ?? "(not installed)";
    work.after[pin.name] = want ?? "(not installed)";
    if (state === "absent") work.remove.push(pin.name);
    else work.install.push(pin.version ? `${pin.name}=${pin.version}` : pin.name);
  }
  return work;
}

function aptCommands(args: AptArgs, work: PackageWork, update: boolean): Command[] {
  const env = cmd`DEBIAN_FRONTEND=noninteractive`;
  // Wait for dpkg's lock (another apt run, unattended-upgrades) as Ansible's apt does (lock_timeout 60).
  const lock = ["-o", "DPkg::Lock::Timeout=60"];
  const out: Command[] = update ? [cmd`${env} apt-get update -q ${lock}`] : [];
  const opts: string[] = [
    "-y",
    "-q",
    ...lock,
    "-o",
    "Dpkg::Options::=--force-confdef",
    "-o",
    "Dpkg::Options::=--force-confold",
  ];
  if (args.install_recommends !== undefined)
    opts.push(args.install_recommends ? "--install-recommends" : "--no-install-recommends");
  if (args.default_release) opts.push("-t", args.default_release);
  if (work.install.length) out.push(cmd`${env} apt-get install ${opts} -- ${work.install}`);
  if (work.remove.length)
    out.push(
      cmd`${env} apt-get ${args.purge ? "purge" : "remove"} ${opts} ${args.autoremove ? ["--auto-remove"] : []} -- ${work.remove}`,
    );
  return out;
}

/** The decision of `apt` (also used by `package`). */
export async function planApt(ctx: ModuleContext, args: AptArgs): Promise<Decision> {
  if (args.deb !== undefined)
    return fail("apt: `deb` (installing a .deb file) is not supported; publish it in a repository");
  const specs =
    args.name === undefined
      ? []
      : typeof args.name === "string"
        ? args.name
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean)
        : args.name;
  if (!specs.length && !args.update_cache) return fail("apt: give `name` and/or `update_cache`");
  const age = args.update_cache ? await cacheAge(ctx) : 0;
  const update = args.update_cache === true && (args.cache_valid_time === undefined || age > args.cache_valid_time);
  const work = specs.length
    ? await packageWork(ctx, specs, args.state ?? "present")
    : { install: [], remove: [], before: {}, after: {} };
  if (typeof work === "string") return fail(`apt: ${work}`);
  const pkgs = Object.keys(work.after);
  if (!update && !pkgs.length) {
    const cache = args.update_cache ? `; the apt cache is ${age}s old (valid for ${args.cache_valid_time}s)` : "";
    return ok(`${specs.length ? `${specs.join(", ")}: already ${args.state ?? "present"}` : "nothing to do"}${cache}`, {
      packages: specs,
    });
  }
  const verb = args.state === "absent" ? (args.purge ? "purge" : "remove") : "install";
  const summary = [
    update ? "update the apt cache" : "",
    pkgs.length ? `${verb} ${pkgs.map((p) => `${p} ${work.after[p]}`).join(", ")}` : "",
  ]
    .filter(Boolean)
    .join(", then ");
  const diff = pkgs.length
    ? [{ path: "packages", before: describeState(work.before), after: describeState(work.after) }]
    : [];
  return change(
    summary,
    async (host) => {
      for (const c of aptCommands(args, work, update)) await mustRun(host, c, { timeoutMs: 15 * 60_000 });
      return { packages: specs, cache_updated: update };
    },
    diff,
    { packages: specs, cache_updated: false },
  );
}

/** The `apt` module. */
export default defineModule<AptArgs>({ name: "apt", plan: planApt });
