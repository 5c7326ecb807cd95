// Checks on a parsed YAML document before it becomes a value, in one linear pass: duplicate keys (the
// yaml library's own check scans the map once per key, quadratic in a map's size), aliases to unknown
// anchors or to the node they sit in, and aliases that expand the file beyond a bound (an alias bomb).
import { isAlias, isCollection, isMap, isPair, isScalar, type Document, type Node } from "yaml";

/** The most nodes that aliases may add to one file, far above any real playbook or inventory. */
export const MAX_ALIAS_NODES = 1_000_000;

/** A problem at a source offset (a string index into the document's text). */
export interface OffsetProblem {
  readonly offset: number;
  readonly message: string;
}

interface Walk {
  /** The latest node carrying each anchor, as the yaml library resolves aliases (document order). */
  readonly anchors: Map<string, unknown>;
  /** Anchored nodes entered but not yet left: an alias to one of them is inside its own anchor. */
  readonly open: Set<unknown>;
  /** The expanded size of each finished anchored node. */
  readonly sizes: Map<unknown, number>;
  /** Nodes seen so far, aliases counted as the nodes they stand for. */
  count: number;
  /** Nodes added by aliases so far. */
  added: number;
  readonly problems: OffsetProblem[];
}

type Frame =
  | { readonly node: unknown; readonly exit: false }
  | { readonly node: unknown; readonly exit: true; readonly start: number };

/** Every duplicate key and bad alias of `doc`, in document order; one pass, iterative (deep nesting is fine). */
export function checkDocument(doc: Document): OffsetProblem[] {
  const walk: Walk = { anchors: new Map(), open: new Set(), sizes: new Map(), count: 0, added: 0, problems: [] };
  const stack: Frame[] = [{ node: doc.contents, exit: false }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.exit) {
      leave(walk, frame.node, frame.start);
      continue;
    }
    if (!enter(walk, frame.node)) break;
    stack.push({ node: frame.node, exit: true, start: walk.count - 1 });
    const kids = children(frame.node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i], exit: false });
  }
  return walk.problems.sort((a, b) => a.offset - b.offset);
}

/** Counts a node and checks it; false when the walk must stop (the alias bound was exceeded). */
function enter(walk: Walk, node: unknown): boolean {
  walk.count += 1;
  const anchor = (node as { anchor?: string } | null)?.anchor;
  if (anchor && !isAlias(node)) {
    walk.anchors.set(anchor, node);
    walk.open.add(node);
  }
  if (isMap(node)) duplicateKeys(walk, node.items);
  return isAlias(node) ? expandAlias(walk, node) : true;
}

function leave(walk: Walk, node: unknown, start: number): void {
  if (!walk.open.delete(node)) return;
  walk.sizes.set(node, walk.count - start);
}

function expandAlias(walk: Walk, alias: Node & { source: string }): boolean {
  const offset = alias.range?.[0] ?? 0;
  const target = walk.anchors.get(alias.source);
  if (target === undefined) {
    walk.problems.push({ offset, message: `unknown alias *${alias.source}: no anchor &${alias.source} before it` });
    return true;
  }
  if (walk.open.has(target)) {
    walk.problems.push({
      offset,
      message: `alias *${alias.source} is inside its own anchor &${alias.source} (the value would contain itself)`,
    });
    return true;
  }
  const size = walk.sizes.get(target) ?? 1;
  walk.count += size;
  walk.added += size;
  if (walk.added <= MAX_ALIAS_NODES) return true;
  walk.problems.push({
    offset,
    message: `aliases expand this file to more than ${MAX_ALIAS_NODES} nodes (an alias bomb?); refusing to load it`,
  });
  return false;
}

/** Scalar keys equal by value are duplicates, as in the yaml library's default check (1 and '1' differ). */
function duplicateKeys(walk: Walk, pairs: readonly unknown[]): void {
  const seen = new Set<unknown>();
  for (const pair of pairs) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    if (typeof pair.key.value === "symbol") continue; // merge keys (<<) may repeat
    if (seen.has(pair.key.value))
      walk.problems.push({ offset: pair.key.range?.[0] ?? 0, message: "duplicate key: map keys must be unique" });
    else seen.add(pair.key.value);
  }
}

function children(node: unknown): unknown[] {
  if (isCollection(node)) return node.items as unknown[];
  if (isPair(node)) return [node.key, node.value];
  return [];
}
