// JSON Schemas of the playbook language: plays, task keywords, blocks, includes and role entries.
// A task's module key is not in these schemas: the loader picks it out first (see src/playbook/task.ts)
// and validates its arguments against the module's own schema.
import type { Infer } from "./infer.js";

const str = { type: "string" } as const;
const bool = { type: "boolean" } as const;
const strOrList = { type: ["string", "array"], items: { type: "string" } } as const;
const map = { type: ["object", "null"] } as const;
/** A variable name (vars, register, loop_var, environment): what a shell and Handlebars both accept. */
export const VARIABLE_NAME = "^[A-Za-z_][A-Za-z0-9_]*$";
/** A string that is a template: it stands in for another type and is checked when rendered. */
const TEMPLATE = "\\{\\{";
/** A boolean, a string that reads as one (`yes`, `False`), or a `{{ }}` template. */
export const boolOrTemplate = {
  type: ["boolean", "string"],
  pattern: `^\\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|[Yy][Ee][Ss]|[Nn][Oo]|[Oo][Nn]|[Oo][Ff][Ff]|1|0)\\s*$|${TEMPLATE}`,
  description: "a boolean or a {{ }} template",
} as const;
/** An integer, a string of digits, or a `{{ }}` template. */
export const intOrTemplate = {
  type: ["integer", "string"],
  pattern: `^\\s*\\d+\\s*$|${TEMPLATE}`,
  description: "an integer or a {{ }} template",
} as const;
/** A number, a string that is one, or a `{{ }}` template. */
const numberOrTemplate = {
  type: ["number", "string"],
  pattern: `^\\s*\\d+(\\.\\d+)?\\s*$|${TEMPLATE}`,
  description: "a number or a {{ }} template",
} as const;
/** A `serial` batch: a number of hosts, a percentage (`30%`) or a `{{ }}` template. */
const batchOrTemplate = {
  type: ["integer", "string"],
  pattern: `^\\s*\\d+(\\.\\d+)?%?\\s*$|${TEMPLATE}`,
  description: "a number of hosts, a percentage or a {{ }} template",
} as const;

/** A condition: a Handlebars expression, a boolean, or a list of them that must all hold. */
export const conditionSchema = {
  type: ["string", "boolean", "array"],
  items: { type: ["string", "boolean"] },
} as const;
/** Typed condition as written. */
export type ConditionInput = Infer<typeof conditionSchema>;

/** Keywords a block, an include, an import or a module task may carry. */
const commonKeywords = {
  name: str,
  when: conditionSchema,
  tags: strOrList,
  vars: map,
  become: boolOrTemplate,
  become_user: str,
  become_method: { enum: ["sudo", "su"] },
  delegate_to: str,
  run_once: boolOrTemplate,
  check_mode: boolOrTemplate,
  diff: boolOrTemplate,
  no_log: boolOrTemplate,
  ignore_errors: boolOrTemplate,
  ignore_unreachable: bool,
  any_errors_fatal: bool,
  environment: { type: ["object", "string"], propertyNames: { pattern: VARIABLE_NAME } },
} as const;

/** Loop keywords (tasks and include_tasks/include_role). */
const loopKeywords = {
  loop: { type: ["string", "array"] },
  with_items: { type: ["string", "array"] },
  with_list: { type: ["string", "array"] },
  with_dict: { type: ["string", "object"] },
  loop_control: {
    type: "object",
    additionalProperties: false,
    properties: {
      loop_var: { type: "string", pattern: VARIABLE_NAME },
      index_var: { type: "string", pattern: VARIABLE_NAME },
      label: str,
      pause: numberOrTemplate,
      extended: bool,
    },
  },
} as const;

/** The keywords of a task that runs a module (everything but the module key). */
export const taskKeywordsSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    ...commonKeywords,
    ...loopKeywords,
    register: { type: "string", pattern: VARIABLE_NAME },
    notify: strOrList,
    listen: strOrList,
    changed_when: conditionSchema,
    failed_when: conditionSchema,
    until: conditionSchema,
    retries: intOrTemplate,
    delay: numberOrTemplate,
    args: { type: "object" },
    delegate_facts: bool,
    timeout: intOrTemplate,
  },
} as const;
/** Typed task keywords. */
export type TaskKeywords = Infer<typeof taskKeywordsSchema>;

/** A block with its rescue and always sections; the sections' items are checked one by one. */
export const blockSchema = {
  type: "object",
  additionalProperties: false,
  required: ["block"],
  properties: {
    ...commonKeywords,
    block: { type: "array", items: { type: "object" } },
    rescue: { type: ["array", "null"], items: { type: "object" } },
    always: { type: ["array", "null"], items: { type: "object" } },
    notify: strOrList,
  },
} as const;
/** Typed block keywords. */
export type BlockInput = Infer<typeof blockSchema>;

const fileRef = {
  type: ["string", "object"],
  additionalProperties: false,
  required: ["file"],
  properties: { file: str, apply: { type: "object" } },
} as const;

/** `import_tasks` / `include_tasks`: a file name, or `{file: ...}`, plus keywords. */
export const includeTasksSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    ...commonKeywords,
    ...loopKeywords,
    import_tasks: fileRef,
    include_tasks: fileRef,
  },
} as const;
/** Typed include_tasks / import_tasks task. */
export type IncludeTasksInput = Infer<typeof includeTasksSchema>;

const roleRef = {
  type: "object",
  additionalProperties: false,
  required: ["name"],
  properties: {
    name: str,
    tasks_from: str,
    vars_from: str,
    defaults_from: str,
    handlers_from: str,
    public: bool,
    allow_duplicates: bool,
    apply: { type: "object" },
  },
} as const;

/** `import_role` / `include_role` plus keywords. */
export const includeRoleSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    ...commonKeywords,
    ...loopKeywords,
    import_role: roleRef,
    include_role: roleRef,
  },
} as const;
/** Typed include_role / import_role task. */
export type IncludeRoleInput = Infer<typeof includeRoleSchema>;

/** An entry of a play's `roles:` list; keys other than these keywords are role parameters. */
export const roleEntrySchema = {
  type: ["string", "object"],
  properties: {
    ...commonKeywords,
    role: str,
    name: str,
  },
} as const;

/** The shared keywords a play takes: all but `delegate_to`, which Ansible only has on tasks and blocks. */
function playCommonKeywords(): Omit<typeof commonKeywords, "delegate_to"> {
  const { delegate_to: _taskOnly, ...rest } = commonKeywords;
  return rest;
}

/** A play's keywords; the task lists' items are checked one by one. */
export const playSchema = {
  type: "object",
  additionalProperties: false,
  required: ["hosts"],
  properties: {
    ...playCommonKeywords(),
    hosts: strOrList,
    vars_files: { type: "array", items: { type: ["string", "array"], items: str } },
    roles: { type: ["array", "null"], items: roleEntrySchema },
    pre_tasks: { type: ["array", "null"], items: { type: "object" } },
    tasks: { type: ["array", "null"], items: { type: "object" } },
    post_tasks: { type: ["array", "null"], items: { type: "object" } },
    handlers: { type: ["array", "null"], items: { type: "object" } },
    serial: {
      type: ["integer", "string", "array"],
      pattern: batchOrTemplate.pattern,
      description: batchOrTemplate.description,
      items: batchOrTemplate,
    },
    max_fail_percentage: {
      ...numberOrTemplate,
      pattern: batchOrTemplate.pattern,
      description: "a percentage or a {{ }} template",
    },
    gather_facts: boolOrTemplate,
    force_handlers: bool,
    strategy: { enum: ["linear", "free"] },
    remote_user: str,
    connection: { enum: ["ssh", "local"] },
    port: intOrTemplate,
  },
} as const;
/** Typed play keywords as written. */
export type PlayInput = Infer<typeof playSchema>;

/** `- import_playbook: other.yml` in a playbook's list of plays. */
export const importPlaybookSchema = {
  type: "object",
  additionalProperties: false,
  required: ["import_playbook"],
  properties: {
    import_playbook: str,
    name: str,
    when: conditionSchema,
    vars: map,
    tags: strOrList,
  },
} as const;

/** A role's `meta/main.yml`: its dependencies (and galaxy metadata, which is ignored). */
export const roleMetaSchema = {
  type: ["object", "null"],
  properties: {
    dependencies: { type: ["array", "null"], items: roleEntrySchema },
    allow_duplicates: bool,
    galaxy_info: { type: "object" },
  },
} as const;

/** A vars file (vars_files, defaults/main.yml, group_vars/x.yml): a mapping of variables. */
export const varsFileSchema = {
  type: ["object", "null"],
  propertyNames: { pattern: VARIABLE_NAME },
} as const;

/** The names of every keyword a module task may carry, for telling keywords from module keys. */
export const TASK_KEYWORDS: ReadonlySet<string> = new Set(Object.keys(taskKeywordsSchema.properties));

/** Keys that make a task something other than a module call. */
export const STRUCTURAL_KEYS = [
  "block",
  "rescue",
  "always",
  "import_tasks",
  "include_tasks",
  "import_role",
  "include_role",
] as const;
