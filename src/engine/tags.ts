// Which tasks `--tags` / `--skip-tags` select, with Ansible's special tags: `always` runs unless skipped
// by name, `never` runs only when asked for by name (or by one of its other tags), `all`, `tagged`,
// `untagged`. Pure: the walk passes each task's tags, inherited from its play, blocks and includes.

/** The run's tag selection. */
export interface TagSelection {
  readonly tags?: readonly string[];
  readonly skipTags?: readonly string[];
}

/** True when a task with these (inherited) tags should run. */
export function tagsSelect(taskTags: readonly string[], sel: TagSelection): boolean {
  const tags = new Set(taskTags);
  const skip = new Set(sel.skipTags ?? []);
  if (skip.size > 0) {
    if (skip.has("all")) return tags.has("always") && !skip.has("always");
    if ([...tags].some((t) => skip.has(t))) return false;
    if (skip.has("tagged") && tags.size > 0 && !tags.has("always")) return false;
    if (skip.has("untagged") && tags.size === 0) return false;
  }
  const wanted = new Set(sel.tags ?? []);
  if (wanted.size === 0 || (wanted.size === 1 && wanted.has("all"))) return !tags.has("never");
  if (tags.has("always") && !skip.has("always")) return true;
  const named = [...tags].some((t) => t !== "never" && t !== "always" && wanted.has(t));
  if (tags.has("never")) return wanted.has("never") || named;
  if (named) return true;
  if (wanted.has("all")) return true;
  if (wanted.has("tagged") && tags.size > 0) return true;
  return wanted.has("untagged") && tags.size === 0;
}
