// Secrets recognised by what surrounds them rather than by value: the value of a secret-named key in
// the usual text syntaxes (`db.password=x`, `password: x`, `"token": "x"`, `tokenGenerationKey="x"`,
// `<secret>x</secret>`, libpq's `password=x`, SQL's `PASSWORD 'x'`), and files whose whole content is
// a key (GoCD's cipher.aes, private keys). These catch secrets the run was never told about: the old
// password on the before side of a diff, a key GoCD generated, a literal echoed by PostgreSQL.
import { MASK } from "../../connection/command.js";

/** Names (of variables, arguments, keys) whose values are secrets. */
export const SECRET_NAME = /password|passwd|secret|token|passphrase|autoregisterkey/i;

/** The characters of a key name (`db.password`, `api-token`, `--password`). */
const KEY_CHAR = String.raw`[A-Za-z0-9_.\-]`;

/** A whole key name with a secret word in it. It starts only where a run of key characters starts and
 * takes the run whole (a lookahead and a back-reference make it atomic), so no run is scanned twice:
 * masking costs linear time whatever the text. */
const KEY = String.raw`(?<!${KEY_CHAR})(?=${KEY_CHAR}*?(?:${SECRET_NAME.source}))(?=(?<key>${KEY_CHAR}+))\k<key>`;

/** One pattern per syntax, with named groups: `head` and `open` are kept, `value` replaced, `close` kept. */
const ASSIGNMENTS: readonly RegExp[] = [
  // `key = value` on a line of its own (properties, ini, shell, YAML, postgresql.conf): the rest of the line.
  new RegExp(
    String.raw`^(?<head>[ \t]*(?:export[ \t]+|-[ \t]+)?["']?${KEY}["']?[ \t]*[=:][ \t]*)(?<value>\S.*?)(?<close>[ \t]*,?)$`,
    "gim",
  ),
  // `key="value"` or `key='value'` anywhere (XML attributes, shell, quoted conninfo).
  new RegExp(String.raw`(?<head>${KEY}[ \t]*=[ \t]*)(?<open>["'])(?<value>.*?)(?<close>\k<open>)`, "gi"),
  // `"key": "value"` anywhere (JSON).
  new RegExp(String.raw`(?<head>"${KEY}"[ \t]*:[ \t]*)(?<open>")(?<value>(?:[^"\\]|\\.)*)(?<close>")`, "gi"),
  // `key=value` anywhere, unquoted, up to a space or separator (libpq conninfo, options, URL queries).
  new RegExp(String.raw`(?<head>${KEY}=)(?<value>[^\s'"&;,]+)`, "gi"),
  // `<key>value</key>` (XML elements).
  new RegExp(String.raw`(?<head><${KEY}(?:\s[^<>\n]{0,1024})?>)(?<value>[^<]*)(?=</\k<key>>)`, "gi"),
  // `PASSWORD 'value'` (SQL, and any secret-named key followed by a quoted literal).
  new RegExp(String.raw`(?<head>${KEY}[ \t]+E?)(?<open>')(?<value>(?:[^']|'')*)(?<close>')`, "gi"),
];

/** The parts of one match, from the pattern's named groups. */
interface Parts {
  readonly head: string;
  readonly open?: string;
  readonly value: string;
  readonly close?: string;
}

/** A value that already hides the secret: empty, the mask itself, or a module's note such as `(set)`. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim().replace(/^["']|["']$/g, "");
  return v === "" || v.startsWith(MASK) || /^\(.*\)$/.test(v);
}

/** What replaces a secret value found in a text. */
export type Replacement = (value: string) => string;

/** `text` with the value of every secret-named key replaced by what `replace` returns for it. */
export function replaceAssignments(text: string, replace: Replacement = () => MASK): string {
  if (!SECRET_NAME.test(text)) return text;
  let out = text;
  for (const pattern of ASSIGNMENTS) {
    out = out.replace(pattern, (whole: string, ...rest: unknown[]) => {
      const p = rest[rest.length - 1] as Parts;
      return isPlaceholder(p.value) ? whole : `${p.head}${p.open ?? ""}${replace(p.value)}${p.close ?? ""}`;
    });
  }
  return out;
}

/** The secret values `text` assigns to secret-named keys (to tell a changed secret from an unchanged one). */
export function assignedValues(text: string): Set<string> {
  const found = new Set<string>();
  replaceAssignments(text, (value) => {
    found.add(value);
    return value;
  });
  return found;
}

/** File names whose whole content is a key: GoCD's cipher files, private keys, keystores, pgpass. */
const SECRET_FILE = /^(cipher(\.aes)?|[^/]*\.(key|p12|pfx|jks|keystore)|id_(rsa|dsa|ecdsa|ed25519)|\.pgpass)$/i;

/** Content that is a private key whatever the file is called. */
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** True when a diff of `path` must not show content: the file is a key by its name or its content. */
export function isSecretFile(path: string, ...contents: readonly string[]): boolean {
  const name = path.split("/").pop() ?? path;
  return SECRET_FILE.test(name) || contents.some((c) => PRIVATE_KEY.test(c));
}
