// Ansible's fully qualified collection names (FQCNs): which collection prefixes each module and
// include/import keyword may be written with, as Ansible spells them (`ansible.posix.mount`,
// `community.postgresql.postgresql_query`, `ansible.builtin.include_role`).

/** The collections of the modules gocd-bc implements that Ansible ships outside ansible.builtin. */
const OTHER_COLLECTIONS: Readonly<Record<string, readonly string[]>> = {
  mount: ["ansible.posix"],
  sysctl: ["ansible.posix"],
  // community.general kept redirects to community.postgresql when the modules moved there.
  postgresql_query: ["community.postgresql", "community.general"],
  postgresql_user: ["community.postgresql", "community.general"],
  postgresql_slot: ["community.postgresql", "community.general"],
  postgresql_set: ["community.postgresql", "community.general"],
  postgresql_info: ["community.postgresql", "community.general"],
};

/** Collections whose prefix every built-in name takes (`ansible.legacy` is Ansible's own alias). */
const BUILTIN_COLLECTIONS = ["ansible.builtin", "ansible.legacy"] as const;

/** Every prefixed spelling of a module name: Ansible's collections for it, else ansible.builtin's. */
export function qualifiedNames(name: string): string[] {
  const collections = OTHER_COLLECTIONS[name] ?? [];
  const builtin = name.startsWith("postgresql_") ? [] : BUILTIN_COLLECTIONS;
  return [...collections, ...builtin].map((c) => `${c}.${name}`);
}

/** Structural keywords that Ansible also accepts as `ansible.builtin.<keyword>`. */
export const PREFIXED_KEYWORDS = [
  "import_tasks",
  "include_tasks",
  "import_role",
  "include_role",
  "import_playbook",
] as const;

const keywordIndex = new Map<string, string>(
  PREFIXED_KEYWORDS.flatMap((k) => BUILTIN_COLLECTIONS.map((c) => [`${c}.${k}`, k] as const)),
);

/** The short form of a prefixed structural keyword (`ansible.builtin.include_role` -> `include_role`), else the key. */
export function shortKeyword(key: string): string {
  return keywordIndex.get(key) ?? key;
}

/** A task or play mapping with its prefixed structural keywords renamed to the short forms. */
export function withShortKeywords(raw: Record<string, unknown>): Record<string, unknown> {
  if (!Object.keys(raw).some((k) => keywordIndex.has(k))) return raw;
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [shortKeyword(k), v]));
}
