// Commands as values: built from parts so quoting is automatic and secrets are masked when displayed.
// Every string that reaches a remote shell goes through here.
import { quote } from "shell-quote";
import { maskForms } from "./secret-forms.js";

/** The text shown in place of a secret in every log, progress line and diff. */
export const MASK = "********";

/** A value that is passed to the shell for real but shown as `********`. */
export class Secret {
  constructor(readonly value: string) {}
  /** Never reveal the value by accident (template literals, JSON, console.log). */
  toString(): string {
    return MASK;
  }
  toJSON(): string {
    return MASK;
  }
}

/** A trusted shell snippet that is inserted verbatim (no quoting): pipes, redirections, `$VAR`. */
export class Raw {
  constructor(readonly text: string) {}
}

/** One piece of a command: trusted text, a quoted argument, a secret, or a nested command quoted as one word. */
export type Part =
  | { readonly kind: "raw"; readonly text: string }
  | { readonly kind: "arg"; readonly value: string }
  | { readonly kind: "secret"; readonly value: string }
  | { readonly kind: "nested"; readonly command: Command };

/** What may be interpolated into a command; arrays become several quoted words. */
export type CommandValue = string | number | bigint | boolean | Secret | Raw | Command | readonly CommandValue[];

/** A shell command built from parts; `toShell()` is executed, `toDisplay()` is logged. */
export class Command {
  /** @internal Use `cmd`, `command` or `rawCommand` to build one. */
  constructor(readonly parts: readonly Part[]) {}

  /** The exact text for `sh -c`, with every interpolated value quoted and secrets in clear. */
  toShell(): string {
    return this.render(false);
  }

  /** The text for logs: identical to toShell() except that every secret reads `********`. */
  toDisplay(): string {
    return this.render(true);
  }

  /** The secret values this command carries, so callers can scrub them from output too. */
  secrets(): string[] {
    return this.parts.flatMap((p) =>
      p.kind === "secret" ? [p.value] : p.kind === "nested" ? p.command.secrets() : [],
    );
  }

  /** Guards against logging the real text by accident. */
  toString(): string {
    return this.toDisplay();
  }

  private render(masked: boolean): string {
    return this.parts
      .map((p) => {
        switch (p.kind) {
          case "raw":
            return p.text;
          case "arg":
            return quoteWord(p.value);
          case "secret":
            return masked ? MASK : quoteWord(p.value);
          case "nested":
            return quoteWord(masked ? p.command.toDisplay() : p.command.toShell());
        }
      })
      .join("");
  }
}

function quoteWord(value: string): string {
  return quote([value]);
}

function partsOf(value: CommandValue): Part[] {
  if (value instanceof Secret) return [{ kind: "secret", value: value.value }];
  if (value instanceof Raw) return [{ kind: "raw", text: value.text }];
  // A Command interpolated into another is spliced in as shell text, its own quoting kept.
  if (value instanceof Command) return [...value.parts];
  if (Array.isArray(value)) {
    const space: Part = { kind: "raw", text: " " };
    return value.flatMap((v: CommandValue, i: number) => (i === 0 ? partsOf(v) : [space, ...partsOf(v)]));
  }
  return [{ kind: "arg", value: String(value) }];
}

function make(parts: Part[]): Command {
  return new Command(parts);
}

/** Tagged template: literal text is trusted shell, every `${value}` is quoted (arrays: one word each). */
export function cmd(strings: TemplateStringsArray, ...values: CommandValue[]): Command {
  const parts: Part[] = [];
  strings.forEach((text, i) => {
    if (text !== "") parts.push({ kind: "raw", text });
    if (i < values.length) parts.push(...partsOf(values[i] as CommandValue));
  });
  return make(parts);
}

/** An argv as a command: each element is quoted, so `command(['rm', '-f', path])` is always one word per element. */
export function command(argv: readonly CommandValue[]): Command {
  return make(partsOf(argv));
}

/** A trusted shell snippet as a command or as a value to interpolate verbatim. */
export function raw(text: string): Raw {
  return new Raw(text);
}

/** A trusted shell snippet as a whole command. */
export function rawCommand(text: string): Command {
  return make([{ kind: "raw", text }]);
}

/** Marks a value as secret: passed for real, displayed as `********`. */
export function secret(value: string): Secret {
  return new Secret(value);
}

/** `inner` as a single quoted word (e.g. for `sh -c`), keeping its secrets masked in display. */
export function quotedCommand(inner: Command): Command {
  return make([{ kind: "nested", command: inner }]);
}

/** Replaces every occurrence of the given secrets in `text` (e.g. command output) with the mask, in
 * every form a secret takes in output (shell-quoted, JSON, SQL, URL, base64, hex: see secret-forms). */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  return maskForms(text, secrets, MASK);
}
