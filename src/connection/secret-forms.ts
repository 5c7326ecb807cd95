// The forms in which a secret may appear in output besides its own text: shell-quoted (as the `quote`
// helper and command building write it), escaped inside a JSON string, an SQL literal or a .pgpass
// line (the standby role writes one), URL-encoded, base64 (also inside a longer base64 text, such as
// basic auth's `user:password`) and hex. Masking every form keeps a template's `{{ quote pw }}` or
// `{{ b64encode pw }}` from showing what `{{ pw }}` may not.
import { quote } from "shell-quote";

/** Secrets shorter than this are masked only as written: their encodings would match ordinary text. */
const MIN_ENCODED_LENGTH = 3;

/** A base64 run shorter than this, cut out of a longer text, is too short to be told from chance. */
const MIN_BASE64_CORE = 8;

/** Every literal text a secret may show as, itself first; short secrets only as themselves (the
 * base64 inside longer texts is matched by base64Patterns). */
function secretForms(secret: string): string[] {
  if (secret.length < MIN_ENCODED_LENGTH) return secret.length > 0 ? [secret] : [];
  const forms = new Set<string>([
    secret,
    ...shellForms(secret),
    ...escapedForms(secret),
    ...urlForms(secret),
    ...byteForms(secret),
  ]);
  return [...forms].filter((f) => f.length > 0);
}

function shellForms(s: string): string[] {
  const quoted = quote([s]);
  return [quoted, unwrap(quoted), s.replace(/'/g, "'\\''"), s.replace(/'/g, `'"'"'`), s.replace(/(["\\$`])/g, "\\$1")];
}

/** A quoted word without its outer quotes (what appears when it is part of a longer quoted word). */
function unwrap(word: string): string {
  return /^(['"]).*\1$/s.test(word) ? word.slice(1, -1) : word;
}

function escapedForms(s: string): string[] {
  const sqlQuoted = s.replace(/'/g, "''");
  const pgpass = s.replace(/([:\\])/g, "\\$1");
  return [JSON.stringify(s).slice(1, -1), sqlQuoted, sqlQuoted.replace(/\\/g, "\\\\"), pgpass];
}

function urlForms(s: string): string[] {
  const encoded = encodeURIComponent(s);
  return [encoded, encoded.replace(/%20/g, "+"), encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())];
}

function byteForms(s: string): string[] {
  const bytes = Buffer.from(s, "utf8");
  const hex = bytes.toString("hex");
  const b64 = bytes.toString("base64");
  return [b64, b64.replace(/=+$/, ""), bytes.toString("base64url"), hex, hex.toUpperCase()];
}

/** One base64 character, of either alphabet. */
const B64 = "[A-Za-z0-9+/_-]";

/** Patterns for the base64 of a secret wherever it starts inside a longer base64 text (basic auth's
 * `user:password`): for each of the three byte alignments, the characters that encode the secret's
 * whole 3-byte groups, with the group on each side (which mixes the secret's first or last bytes with
 * its neighbours') masked too, so not even a character of the secret can be read back. */
function base64Patterns(secret: string): string[] {
  if (secret.length < MIN_ENCODED_LENGTH) return [];
  const bytes = Buffer.from(secret, "utf8");
  const out: string[] = [];
  for (const start of [0, 1, 2]) {
    const whole = bytes.subarray(start, start + Math.floor((bytes.length - start) / 3) * 3);
    if (whole.length === 0) continue;
    for (const core of new Set([whole.toString("base64"), whole.toString("base64url")])) {
      if (core.length >= MIN_BASE64_CORE) out.push(`(?:${B64}{4})?${escapeRegExp(core)}(?:${B64}{1,4}={0,2})?`);
    }
  }
  return out;
}

/** Replaces every form of every secret in `text` with `mask`; longer forms first, so a secret that
 * contains another is masked whole. */
export function maskForms(text: string, secrets: readonly string[], mask: string): string {
  const pattern = compiled(secrets);
  return pattern ? text.replace(pattern, () => mask) : text;
}

/** Compiled patterns by secret list: every event is masked with the same list until it grows. */
const patterns = new Map<string, RegExp | null>();
const MAX_PATTERNS = 32;

function compiled(secrets: readonly string[]): RegExp | null {
  const key = secrets.join("\u0000");
  let pattern = patterns.get(key);
  if (pattern !== undefined) return pattern;
  const forms = [...new Set(secrets.flatMap(secretForms))].sort((a, b) => b.length - a.length);
  const sources = [...secrets.flatMap(base64Patterns), ...forms.map(escapeRegExp)];
  pattern = sources.length ? new RegExp(sources.join("|"), "g") : null;
  if (patterns.size >= MAX_PATTERNS) patterns.clear();
  patterns.set(key, pattern);
  return pattern;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
