// The value of a variable that does not exist. Lookups return it instead of throwing, so that
// `(default x 'y')`, `(defined x)` and `(and (defined x) x.port)` work; every other use throws.

/** A missing variable (or attribute), remembered by the path that was asked for. */
export class Undefined {
  constructor(
    /** The full path asked for, e.g. `pg.port`. */
    readonly path: string,
    /** The part that was missing, e.g. `pg` when `pg` itself is undefined. */
    readonly missing: string,
    /** Where in the template the lookup was written (1-based line and column), when known. */
    readonly at?: { line: number; col: number },
  ) {}

  /** What to tell the user: which variable, or which attribute of which variable, is missing. */
  describe(): string {
    return this.missing === this.path
      ? `undefined variable '${this.path}'`
      : `undefined variable '${this.path}' ('${this.missing}' is not defined)`;
  }

  toString(): string {
    throw new UndefinedVariableError(this);
  }
}

/** Thrown inside rendering when an undefined value is used; the renderer adds file, line and task. */
export class UndefinedVariableError extends Error {
  constructor(readonly value: Undefined) {
    super(value.describe());
  }
}

/** Throws if the value is undefined (a missing variable); returns it otherwise. */
export function defined<T>(value: T): Exclude<T, Undefined> {
  if (value instanceof Undefined) throw new UndefinedVariableError(value);
  return value as Exclude<T, Undefined>;
}

/** True for values a condition treats as false, as in Jinja: false, 0, '', null, [] and {}. */
export function isFalsy(value: unknown): boolean {
  if (value instanceof Undefined) throw new UndefinedVariableError(value);
  if (value === undefined || value === null || value === false || value === 0 || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}

/** Looks a path up in a value, own properties only; a missing step gives an {@link Undefined}. */
export function lookupPath(
  root: unknown,
  parts: readonly string[],
  original: string,
  at?: { line: number; col: number },
): unknown {
  let value: unknown = root;
  let walked = "";
  for (const part of parts) {
    walked = walked ? `${walked}.${part}` : part;
    if (value instanceof Undefined) return value;
    if (value === null || value === undefined || !Object.hasOwn(Object(value), part)) {
      return new Undefined(original, walked, at);
    }
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
