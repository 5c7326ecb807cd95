// From files on disk to a validated plan: extra vars, inventory, the playbook (with import_playbook),
// then the static checks (variables, templates, files). Pure: reads files, touches no host.
import path from "node:path";
import type { Diagnostic } from "../errors.js";
import { loadInventory } from "../inventory/load.js";
import { selectHosts } from "../inventory/patterns.js";
import type { Inventory } from "../inventory/types.js";
import { checkValue, isTemplated, type DocPath } from "../schema/ajv.js";
import { withShortKeywords } from "../schema/fqcn.js";
import { importPlaybookSchema } from "../schema/playbook.js";
import { renderString } from "../template/engine.js";
import { checkPlan } from "./check.js";
import { pathOf, reportedCycle, type LoadContext, type TaskSource } from "./context.js";
import { parseExtraVars } from "./extra-vars.js";
import { condList, stringList } from "./keywords.js";
import { roleSearchPath } from "./lookup.js";
import type { Play, LoadedPlaybook } from "./plan.js";
import { parsePlay, type PlayExtras } from "./play.js";
import { Problems } from "../source/problems.js";
import type { Vars } from "../source/vars-file.js";
import { readYamlFile } from "../source/yaml-file.js";

/** What to load: the playbook, the inventories, `-e` values, `--limit`, extra role directories. */
export interface LoadPlanOptions {
  readonly playbook: string;
  readonly inventories: readonly string[];
  readonly extraVars?: readonly string[];
  readonly limit?: string;
  readonly rolesPath?: readonly string[];
}

/** The plan, or every diagnostic that prevents it; warnings either way. */
export type PlanResult =
  | { ok: true; plan: LoadedPlaybook; warnings: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[]; warnings: Diagnostic[] };

const EMPTY_INVENTORY: Inventory = { hosts: new Map(), groups: new Map(), files: [] };

/** Loads and validates everything `run` needs; nothing here connects to a host. */
export function loadPlan(opts: LoadPlanOptions): PlanResult {
  const problems = new Problems();
  const playbook = path.resolve(opts.playbook);
  const playbookDir = path.dirname(playbook);
  const extraVars = parseExtraVars(opts.extraVars ?? [], problems);
  const inv = loadInventory(opts.inventories, { playbookDir });
  problems.warnings.push(...inv.warnings);
  if (!inv.ok) problems.addAll(inv.diagnostics);
  const inventory = inv.ok ? inv.inventory : (inv.inventory ?? EMPTY_INVENTORY);
  const ctx: LoadContext = {
    problems,
    playbookDir,
    roleSearch: roleSearchPath(playbookDir, opts.rolesPath),
    fileStack: [],
    roleStack: [],
    play: { roles: [], handlers: [], expanded: new Set() },
  };
  const plays = loadPlaybookFile(playbook, ctx, { when: [], vars: {}, tags: [] });
  const playHosts = plays.map((play) => hostsOfPlay(play, inventory, extraVars, opts.limit, problems));
  const limited = opts.limit !== undefined && inv.ok ? selectHosts(inventory, opts.limit) : undefined;
  for (const why of limited?.invalid ?? []) problems.error({ file: "<command line>", line: 1, col: 1 }, "--limit", why);
  if (limited && limited.invalid.length === 0 && limited.hosts.length === 0) {
    problems.error(
      { file: "<command line>", line: 1, col: 1 },
      "--limit",
      `'${opts.limit}' matches no host in the inventory`,
    );
  }
  const plan: LoadedPlaybook = {
    playbook,
    playbookDir,
    roleSearch: ctx.roleSearch,
    plays,
    inventory,
    extraVars,
    limit: opts.limit,
    playHosts,
  };
  // Every problem in one run: variables are checked whatever else failed, unless a source of
  // variables itself could not be read (then "undefined" would only repeat that failure).
  checkPlan(plan, problems, { checkVariables: (inv.ok || inv.inventory !== undefined) && !problems.varsIncomplete });
  if (problems.count > 0) return { ok: false, diagnostics: problems.errors, warnings: problems.warnings };
  return { ok: true, plan, warnings: problems.warnings };
}

/** Reads a playbook file (a list of plays and import_playbook entries). */
export function loadPlaybookFile(
  abs: string,
  ctx: LoadContext,
  extras: PlayExtras,
  from?: { src: TaskSource; at: DocPath },
): Play[] {
  if (reportedCycle(abs, from, ctx, "import_playbook")) return [];
  const fromLoc = from ? from.src.file.locate([...from.src.base, ...from.at]) : undefined;
  const read = readYamlFile(abs, fromLoc, "playbook");
  if (!read.ok) {
    ctx.problems.addAll(read.diagnostics);
    return [];
  }
  const value = read.file.value;
  const src: TaskSource = { file: read.file, base: [], root: "plays", dirs: [path.dirname(abs)] };
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) {
    ctx.problems.error(read.file.locate([]), "", "empty playbook: expected a list of plays");
    return [];
  }
  if (!Array.isArray(value)) {
    ctx.problems.error(read.file.locate([]), "", "a playbook is a list of plays (each starting with `- hosts: ...`)");
    return [];
  }
  const inner: LoadContext = { ...ctx, fileStack: [...ctx.fileStack, abs] };
  return value.flatMap((item: unknown, i) => {
    const entry =
      item && typeof item === "object" && !Array.isArray(item)
        ? withShortKeywords(item as Record<string, unknown>)
        : undefined;
    if (entry && "import_playbook" in entry) return importPlaybook(entry, src, [i], inner, extras);
    const play = parsePlay(item, src, [i], inner, extras);
    return play ? [play] : [];
  });
}

function importPlaybook(
  raw: Record<string, unknown>,
  src: TaskSource,
  at: DocPath,
  ctx: LoadContext,
  extras: PlayExtras,
): Play[] {
  const issues = checkValue(importPlaybookSchema, raw, { noun: "keyword" });
  if (issues.length > 0) {
    ctx.problems.addIssues(src.file, at, src.root, issues);
    return [];
  }
  const name = String(raw.import_playbook);
  if (isTemplated(name)) {
    ctx.problems.error(
      src.file.locate([...at, "import_playbook"]),
      pathOf(src, at),
      "import_playbook needs a file name without {{ }}",
    );
    return [];
  }
  const abs = path.resolve(path.dirname(src.file.abs), name);
  const more: PlayExtras = {
    when: [...extras.when, ...condList(raw.when)],
    vars: { ...extras.vars, ...((raw.vars ?? {}) as Vars) },
    tags: [...extras.tags, ...stringList(raw.tags, true)],
  };
  return loadPlaybookFile(abs, ctx, more, { src, at: [...at, "import_playbook"] });
}

function hostsOfPlay(
  play: Play,
  inv: Inventory,
  extraVars: Vars,
  limit: string | undefined,
  problems: Problems,
): string[] {
  const patterns: string[] = [];
  for (const pattern of play.hosts) {
    if (!isTemplated(pattern)) {
      patterns.push(pattern);
      continue;
    }
    try {
      patterns.push(
        String(renderString(pattern, { ...play.vars, ...extraVars }, { loc: play.loc, path: `${play.path}.hosts` })),
      );
    } catch (err) {
      problems.error(
        play.loc,
        `${play.path}.hosts`,
        `hosts pattern '${pattern}' cannot be resolved before the play runs: ${(err as Error).message.replace(/^.*?: /, "")}`,
      );
    }
  }
  const selected = selectHosts(inv, patterns);
  for (const why of selected.invalid) problems.error(play.loc, `${play.path}.hosts`, why);
  for (const term of selected.unmatched)
    problems.warn(play.loc, `${play.path}.hosts`, `host pattern '${term}' matches no host or group in the inventory`);
  if (limit === undefined) return selected.hosts;
  const allowed = new Set(selectHosts(inv, limit).hosts);
  return selected.hosts.filter((h) => allowed.has(h));
}
