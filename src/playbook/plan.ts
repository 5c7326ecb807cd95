// The typed plan the executor runs: plays, and in them tasks as a discriminated union. Everything is
// as written (templates unrendered: they depend on each host's variables and facts), with the source
// location of each node. import_* are already expanded; include_* stay nodes, preloaded when static.
import type { SourceLoc } from "../errors.js";
import type { Inventory } from "../inventory/types.js";
import type { DocPath } from "../schema/ajv.js";
import type { Vars } from "../source/vars-file.js";

/** A condition as written: a Handlebars expression (`(eq role 'primary')`) or a boolean. */
export type Cond = string | boolean;

/** A loaded role, shared by all its tasks: where it lives (for templates/ and files/) and its variables. */
export interface RoleContext {
  readonly name: string;
  /** The role's directory, absolute. */
  readonly path: string;
  /** defaults/main.yml (or defaults_from): the lowest precedence. */
  readonly defaults: Vars;
  /** vars/main.yml (or vars_from): above play vars and vars_files. */
  readonly vars: Vars;
  /** Parameters and `vars:` of the roles: entry or include_role: role-params precedence. */
  readonly params: Vars;
}

/** How a task loops: the items as written (a list, or a template giving one) and the loop variable names. */
export interface LoopSpec {
  readonly items: unknown;
  /** `loop` and `with_list` iterate as given, `with_items` flattens one level, `with_dict` gives {key, value}. */
  readonly kind: "loop" | "with_items" | "with_list" | "with_dict";
  readonly loopVar: string;
  readonly indexVar?: string;
  readonly label?: string;
  readonly pause?: number | string;
  readonly extended?: boolean;
}

/** Keywords every kind of task node may carry; booleans may still be `{{ }}` strings. */
export interface TaskBase {
  readonly loc: SourceLoc;
  /** The node's path in its file, e.g. `plays[0].tasks[3]`, for messages. */
  readonly path: string;
  /** Locates a path below this node (e.g. `['file', 'mode']`) in its file, for messages at run time. */
  readonly at: (sub: DocPath) => SourceLoc;
  readonly name?: string;
  readonly when: readonly Cond[];
  readonly tags: readonly string[];
  readonly vars: Vars;
  readonly become?: boolean | string;
  readonly becomeUser?: string;
  readonly becomeMethod?: "sudo" | "su";
  readonly delegateTo?: string;
  readonly runOnce?: boolean | string;
  readonly checkMode?: boolean | string;
  readonly diff?: boolean | string;
  readonly noLog?: boolean | string;
  readonly ignoreErrors?: boolean | string;
  readonly ignoreUnreachable?: boolean;
  readonly anyErrorsFatal?: boolean;
  readonly environment?: Vars | string;
  /** The role this node belongs to, if any (for role variables and template/file lookup). */
  readonly role?: RoleContext;
}

/** A task that runs one module. */
export interface ModuleTask extends TaskBase {
  readonly kind: "module";
  /** The canonical module name (`ansible.builtin.copy` is `copy`). */
  readonly module: string;
  /** The module key as written (`ansible.builtin.copy`), to locate its arguments in the file. */
  readonly moduleKey: string;
  /** Arguments as written, aliases renamed, `args:` merged, free form split; unrendered. */
  readonly args: Vars;
  readonly loop?: LoopSpec;
  readonly register?: string;
  readonly notify: readonly string[];
  /** For handlers: the topics this handler also answers to. */
  readonly listen: readonly string[];
  readonly changedWhen?: readonly Cond[];
  readonly failedWhen?: readonly Cond[];
  readonly until?: readonly Cond[];
  readonly retries?: number | string;
  readonly delay?: number | string;
  readonly timeout?: number | string;
  readonly delegateFacts?: boolean;
}

/** A block with rescue and always; also how imports and roles appear once expanded. */
export interface BlockTask extends TaskBase {
  readonly kind: "block";
  /** What produced the block: written as one, an import_tasks, an import_role, or a role of the play. */
  readonly origin: "block" | "import_tasks" | "import_role" | "role";
  readonly block: readonly Task[];
  readonly rescue: readonly Task[];
  readonly always: readonly Task[];
  readonly notify: readonly string[];
}

/** include_tasks: resolved when it runs (its file may be a template); preloaded when the name is static. */
export interface IncludeTasksTask extends TaskBase {
  readonly kind: "include_tasks";
  /** The file as written (may contain `{{ }}`). */
  readonly file: string;
  /** Directories to resolve a relative file against, in order. */
  readonly searchDirs: readonly string[];
  readonly loop?: LoopSpec;
  readonly preloaded?: readonly Task[];
}

/** What an include_role / import_role names. */
export interface RoleTarget {
  readonly name: string;
  readonly tasksFrom?: string;
  readonly varsFrom?: string;
  readonly defaultsFrom?: string;
  readonly handlersFrom?: string;
  readonly public?: boolean;
}

/** include_role: runs a role's tasks when reached; preloaded when the role name is static. */
export interface IncludeRoleTask extends TaskBase {
  readonly kind: "include_role";
  readonly target: RoleTarget;
  /** The include's `vars:`: role parameters of the included role. */
  readonly params: Vars;
  readonly loop?: LoopSpec;
  readonly preloaded?: LoadedRole;
}

/** Any node of a task list. */
export type Task = ModuleTask | BlockTask | IncludeTasksTask | IncludeRoleTask;

/** A role with its tasks and handlers loaded; dependencies come first in `tasks`, as blocks. */
export interface LoadedRole {
  readonly context: RoleContext;
  readonly tasks: readonly Task[];
  readonly handlers: readonly Task[];
}

/** A vars file of a play, loaded. */
export interface LoadedVarsFile {
  readonly loc: SourceLoc;
  readonly file: string;
  readonly vars: Vars;
}

/** One play, ready to run: run preTasks, flush handlers, roleTasks, tasks, flush, postTasks, flush. */
export interface Play {
  readonly loc: SourceLoc;
  readonly path: string;
  readonly name: string;
  /** The `hosts:` patterns as written (may be templates). */
  readonly hosts: readonly string[];
  /** The playbook file that holds this play (import_playbook may bring plays from several). */
  readonly file: string;
  readonly vars: Vars;
  readonly varsFiles: readonly LoadedVarsFile[];
  /** `when:` of an import_playbook that brought this play (evaluated once per host, like Ansible). */
  readonly when: readonly Cond[];
  readonly tags: readonly string[];
  readonly become?: boolean | string;
  readonly becomeUser?: string;
  readonly becomeMethod?: "sudo" | "su";
  readonly serial?: readonly (number | string)[];
  readonly maxFailPercentage?: number | string;
  readonly gatherFacts: boolean | string;
  readonly anyErrorsFatal: boolean;
  readonly forceHandlers: boolean;
  readonly strategy: "linear" | "free";
  readonly checkMode?: boolean | string;
  readonly diff?: boolean | string;
  readonly noLog?: boolean | string;
  readonly ignoreErrors?: boolean | string;
  readonly ignoreUnreachable?: boolean;
  readonly runOnce?: boolean | string;
  readonly environment?: Vars | string;
  readonly remoteUser?: string;
  readonly connection?: "ssh" | "local";
  readonly port?: number | string;
  /** Every role of the play (roles:, dependencies, import_role, static include_role) in load order. */
  readonly roles: readonly RoleContext[];
  readonly preTasks: readonly Task[];
  /** The `roles:` section, one block (origin 'role') per role entry. */
  readonly roleTasks: readonly Task[];
  readonly tasks: readonly Task[];
  readonly postTasks: readonly Task[];
  /** Handlers of the play and of its roles, in the order Ansible searches them. */
  readonly handlers: readonly Task[];
}

/** A whole validated playbook with its inventory: what `run` executes and `validate` checks. */
export interface LoadedPlaybook {
  /** The playbook file, absolute. */
  readonly playbook: string;
  readonly playbookDir: string;
  /** Directories searched for roles, in order (for include_role at run time). */
  readonly roleSearch: readonly string[];
  readonly plays: readonly Play[];
  readonly inventory: Inventory;
  readonly extraVars: Vars;
  readonly limit?: string;
  /** For each play (same index), the hosts its `hosts:` selects within the limit. */
  readonly playHosts: readonly (readonly string[])[];
}
