// Derives a TypeScript type from a JSON Schema written `as const`, so each schema is written once and
// both ajv (at run time) and the compiler (at build time) read the same object. Covers the subset our
// schemas use: type (single or list), enum, const, properties/required, additionalProperties, items,
// anyOf/oneOf (a `type` wins over an anyOf of `required` lists). Recursive schemas ($ref) are typed
// by hand where they occur.

type Primitive = {
  string: string;
  integer: number;
  number: number;
  boolean: boolean;
  null: null;
};

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type RequiredKeys<S> = S extends { required: readonly (infer R)[] } ? R : never;

type InferProperties<S, P> = Simplify<
  { -readonly [K in keyof P as K extends RequiredKeys<S> ? K : never]: Infer<P[K]> } & {
    -readonly [K in keyof P as K extends RequiredKeys<S> ? never : K]?: Infer<P[K]>;
  }
>;

type InferExtra<S> = S extends { additionalProperties: false }
  ? unknown
  : S extends { additionalProperties: infer A }
    ? A extends true
      ? Record<string, unknown>
      : Record<string, Infer<A>>
    : S extends { properties: object }
      ? unknown
      : Record<string, unknown>;

type InferObject<S> = S extends { properties: infer P }
  ? unknown extends InferExtra<S>
    ? InferProperties<S, P>
    : InferProperties<S, P> & InferExtra<S>
  : InferExtra<S>;

type InferArray<S> = S extends { items: infer I } ? Infer<I>[] : unknown[];

type InferOne<S, T> = T extends "object"
  ? InferObject<S>
  : T extends "array"
    ? InferArray<S>
    : T extends keyof Primitive
      ? Primitive[T]
      : unknown;

type InferType<S, T> = T extends readonly (infer U)[] ? InferOne<S, U> : InferOne<S, T>;

/** The TypeScript type of values a JSON Schema (declared `as const`) accepts. */
export type Infer<S> = S extends { enum: readonly (infer E)[] }
  ? E
  : S extends { const: infer C }
    ? C
    : S extends { type: infer T }
      ? InferType<S, T>
      : S extends { anyOf: readonly (infer A)[] }
        ? Infer<A>
        : S extends { oneOf: readonly (infer A)[] }
          ? Infer<A>
          : unknown;
