// From a host's variables to what a module runs with: the connection spec (ansible_host, port, user,
// key, known_hosts), become settings, and the TaskHost with role-aware file lookup and templates.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { cmd, quotedCommand, secret, type Command } from "../connection/command.js";
import type { HostSpec } from "../connection/pool.js";
import type { BecomeSpec, Connection } from "../connection/types.js";
import { CONNECTION_VARS, connectionOf } from "../inventory/connection.js";
import type { TaskHost } from "../modules/contract.js";
import type { Redactor } from "../modules/support/mask.js";
import { fileCandidates, resolveTaskFile } from "../playbook/lookup.js";
import { playModuleTasks } from "../playbook/module-tasks.js";
import type { Play, Task } from "../playbook/plan.js";
import type { Vars } from "../source/vars-file.js";
import { VARIABLE_NAME } from "../schema/playbook.js";
import { decodeUtf8 } from "../source/utf8.js";
import { displayPath } from "../source/yaml-file.js";
import { TemplateError } from "../errors.js";
import { checkValue, formatPath } from "../schema/ajv.js";
import { connectionVarsSchema } from "../schema/inventory.js";
import { renderText, renderValue } from "../template/engine.js";
import type { RunContext } from "./types.js";
import { delegateVarsOf, playVarsOf } from "./vars.js";

const LOCAL_NAMES = new Set(["localhost", "127.0.0.1", "::1"]);

/** How to reach `name`, from its variables (connection variables rendered first; they may be templates). */
export function hostSpecOf(name: string, vars: Vars, opts: { trustOnFirstUse?: boolean }): HostSpec {
  const keys = [...Object.values(CONNECTION_VARS).flat(), "ansible_ssh_timeout", "ansible_timeout"];
  const picked: Vars = {};
  for (const k of keys)
    if (vars[k] !== undefined)
      picked[k] = renderValue(vars[k], vars, { loc: { file: "<inventory>", line: 1, col: 1 }, path: k });
  checkRenderedConnectionVars(picked);
  const info = connectionOf(name, picked);
  if (info.connection === "local") return { kind: "local", name };
  const timeout = Number(picked.ansible_ssh_timeout ?? picked.ansible_timeout ?? NaN);
  return {
    kind: "ssh",
    target: {
      name,
      host: info.host,
      port: info.port,
      user: info.user,
      privateKeyFile: info.privateKeyFile,
      password: info.password === undefined ? undefined : secret(info.password),
      knownHostsFile: info.knownHostsFile,
      trustOnFirstUse: opts.trustOnFirstUse,
      connectTimeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout * 1000 : undefined,
    },
  };
}

/** Rendered connection variables must have their types (a templated `ansible_port` that renders to a word is an error). */
function checkRenderedConnectionVars(picked: Vars): void {
  const issues = checkValue(connectionVarsSchema, picked, { noun: "variable" });
  if (issues.length === 0) return;
  const diagnostics = issues.map((i) => ({
    file: "<inventory>",
    line: 1,
    col: 1,
    path: formatPath(i.path),
    message: `${i.message} (after rendering)`,
  }));
  throw new TemplateError(diagnostics);
}

/**
 * Starts connecting to every host the run's plays name, all at once, before the first task: plays run one
 * after another, and each would otherwise wait for its new hosts' connections (an ssh handshake and
 * authentication, 0.3-0.4 s) at its first task. Nothing is reported here: a host that cannot be reached
 * is reported by the first task that needs it (the pool keeps the failure), and a host whose connection
 * variables only a later task can render is left for that task.
 */
export function connectAhead(run: RunContext): void {
  const seen = new Set<string>();
  const ahead = (host: string, vars: Vars) => {
    if (seen.has(host) || !run.plan.inventory.hosts.has(host)) return;
    seen.add(host);
    let spec: HostSpec;
    try {
      spec = hostSpecOf(host, vars, { trustOnFirstUse: run.opts.trustOnFirstUse });
    } catch {
      return;
    }
    run.pool.get(spec).catch(() => undefined);
  };
  for (const [i, play] of run.plan.plays.entries()) {
    const hosts = run.plan.playHosts[i] ?? [];
    for (const host of hosts) ahead(host, playVarsOf(run, play, host));
    for (const target of delegatesOf(run, play, hosts[0])) ahead(target, delegateVarsOf(run, target));
  }
}

/** The inventory hosts a play's tasks delegate to, as far as the play's first host's variables can render
 * them before the run (a delegate named by a loop item or a registered result is left for its task). */
function delegatesOf(run: RunContext, play: Play, first: string | undefined): string[] {
  if (first === undefined) return [];
  const templates = new Set(playModuleTasks(play).flatMap((t) => (t.delegateTo === undefined ? [] : [t.delegateTo])));
  if (templates.size === 0) return [];
  const vars = playVarsOf(run, play, first);
  return [...templates].flatMap((d) => {
    try {
      return [String(renderValue(d, vars, { loc: play.loc }))];
    } catch {
      return [];
    }
  });
}

/** The spec for a delegate_to target that is not in the inventory: only the controller itself. */
export function delegateSpecOf(name: string): HostSpec | undefined {
  return LOCAL_NAMES.has(name) ? { kind: "local", name } : undefined;
}

/** Become settings from the task's inherited keywords and the host's ansible_become_* variables. */
export function becomeOf(
  keywords: { become?: unknown; becomeUser?: string; becomeMethod?: string },
  vars: Vars,
  truthy: (v: unknown) => boolean,
): BecomeSpec | undefined {
  const on = keywords.become ?? vars.ansible_become;
  if (on === undefined || !truthy(on)) return undefined;
  const user = keywords.becomeUser ?? (vars.ansible_become_user as string | undefined);
  const method = keywords.becomeMethod ?? (vars.ansible_become_method as string | undefined);
  const password = (vars.ansible_become_password ?? vars.ansible_become_pass) as string | undefined;
  return {
    user: user === undefined ? undefined : String(user),
    method: method === "sudo" || method === "su" ? method : "auto",
    password: password === undefined ? undefined : secret(String(password)),
  };
}

const VARIABLE = new RegExp(VARIABLE_NAME);

/** Why `env` cannot be a task's environment (a name that is not a variable name), or undefined when it can. */
export function environmentError(env: Vars): string | undefined {
  const bad = Object.keys(env).find((k) => !VARIABLE.test(k));
  return bad === undefined
    ? undefined
    : `environment: invalid variable name ${JSON.stringify(bad)}: use letters, digits and _, not starting with a digit`;
}

/**
 * Wraps a command so it runs with extra environment variables (the `environment` keyword). Names are
 * checked again here (a rendered `environment: "{{ x }}"` is only known now) and the assignments follow
 * `env --`, so no name can reach env, or sudo around it, as an option.
 */
export function withEnvironment(command: Command, env: Vars | undefined): Command {
  if (!env || Object.keys(env).length === 0) return command;
  const error = environmentError(env);
  if (error !== undefined) throw new Error(error);
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  return cmd`env -- ${assignments} sh -c ${quotedCommand(command)}`;
}

/** What a TaskHost is built from. */
export interface ContextParts {
  readonly host: string;
  readonly conn: Connection;
  readonly task: Task;
  readonly vars: Vars;
  readonly check: boolean;
  readonly become?: BecomeSpec;
  readonly environment?: Vars;
  readonly redact: Redactor;
  readonly playbookDir: string;
}

/** One task on one host, as invokeModule takes it. */
export function taskHost(p: ContextParts): TaskHost {
  const baseDirs = [path.dirname(p.task.loc.file), p.playbookDir];
  return {
    host: p.host,
    conn: p.conn,
    become: p.become,
    check: p.check,
    vars: p.vars,
    redact: p.redact,
    run: (command, o) => p.conn.run(withEnvironment(command, p.environment), { ...o, become: p.become }),
    findFile: (kind, name) =>
      resolveTaskFile(kind, name, p.task.role, baseDirs) ??
      fileCandidates(kind, name, p.task.role, baseDirs)[0] ??
      name,
    renderTemplateFile: async (file) =>
      renderText(await readTemplate(file), p.vars, {
        loc: { file, line: 1, col: 1 },
        task: p.task.name,
        wholeFile: true,
      }),
  };
}

/** A template file's text; bytes that are not UTF-8 fail the task at their line instead of reaching the host as U+FFFD. */
async function readTemplate(file: string): Promise<string> {
  const decoded = decodeUtf8(await readFile(file), displayPath(file));
  if (!decoded.ok) throw new TemplateError([decoded.diagnostic]);
  return decoded.text;
}
