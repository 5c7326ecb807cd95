// known_hosts as pure functions: parse the OpenSSH format, match a host, judge a key, format new entries.
// Supports plain names, [host]:port, comma lists, wildcards and negation, hashed |1|salt|hash entries,
// @revoked (rejects) and @cert-authority (skipped: ssh2 does not verify host certificates).
import { createHash, createHmac, randomBytes } from "node:crypto";

/** One usable line of a known_hosts file. */
export interface KnownHostEntry {
  readonly marker: "none" | "revoked" | "cert-authority";
  /** The host field as written: comma list of patterns, or one hashed `|1|salt|hash`. */
  readonly hosts: string;
  readonly keyType: string;
  /** The key blob (SSH wire format), decoded from base64. */
  readonly key: Buffer;
  /** 1-based line number, for messages. */
  readonly line: number;
}

/** Parses known_hosts text; malformed lines are skipped like OpenSSH does. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((rawLine, i) => {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry["marker"] = "none";
    if (fields[0] === "@revoked") marker = "revoked";
    else if (fields[0] === "@cert-authority") marker = "cert-authority";
    else if (fields[0]?.startsWith("@")) return;
    if (marker !== "none") fields.shift();
    const [hosts, keyType, b64] = fields;
    if (hosts === undefined || keyType === undefined || b64 === undefined) return;
    const key = Buffer.from(b64, "base64");
    if (key.length === 0) return;
    entries.push({ marker, hosts, keyType, key, line: i + 1 });
  });
  return entries;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function lookupName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** HMAC-SHA1 of a name under a salt, as in hashed known_hosts entries. */
export function hashHostName(name: string, salt: Buffer): string {
  return createHmac("sha1", salt).update(name).digest("base64");
}

/** A hashed host field `|1|salt|hash` for `name` (fresh random salt unless given). */
export function hashedHostField(name: string, salt: Buffer = randomBytes(20)): string {
  return `|1|${salt.toString("base64")}|${hashHostName(name, salt)}`;
}

/** True when the entry's host field matches the lookup name (hashed or pattern list, negation wins). */
export function hostMatches(hostsField: string, name: string): boolean {
  if (hostsField.startsWith("|1|")) {
    const [, , salt, hash] = hostsField.split("|");
    if (salt === undefined || hash === undefined) return false;
    return hashHostName(name, Buffer.from(salt, "base64")) === hash;
  }
  let matched = false;
  for (const pattern of hostsField.split(",")) {
    const negated = pattern.startsWith("!");
    if (globMatch(negated ? pattern.slice(1) : pattern, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function globMatch(pattern: string, name: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${re}$`, "i").test(name);
}

/** The key type named inside an SSH wire-format key blob (e.g. `ssh-ed25519`). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return "unknown";
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString("latin1");
}

/** OpenSSH's fingerprint: `SHA256:` + unpadded base64 of the key blob's SHA-256. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** The verdict on a presented host key. */
export type KeyVerdict =
  | { readonly status: "known"; readonly entry: KnownHostEntry }
  | { readonly status: "revoked"; readonly entry: KnownHostEntry }
  | { readonly status: "changed"; readonly entry: KnownHostEntry }
  | { readonly status: "unknown" };

/**
 * Judges `key` for `name`: revoked beats known; any other key for a host already listed is a change, of
 * the same type or not. The handshake asks for the known types first, so a host that answers with a new
 * type has stopped offering the key it had: trust-on-first-use must not take that for a first use.
 */
export function checkHostKey(entries: readonly KnownHostEntry[], name: string, key: Buffer): KeyVerdict {
  const revoked = entries.find((e) => e.marker === "revoked" && e.key.equals(key) && hostMatches(e.hosts, name));
  if (revoked) return { status: "revoked", entry: revoked };
  const forHost = entries.filter((e) => e.marker === "none" && hostMatches(e.hosts, name));
  const known = forHost.find((e) => e.key.equals(key));
  if (known) return { status: "known", entry: known };
  const type = keyTypeOf(key);
  const changed = forHost.find((e) => e.keyType === type) ?? forHost[0];
  if (changed) return { status: "changed", entry: changed };
  return { status: "unknown" };
}

/** The key types already recorded for a host, so the handshake can prefer them (as OpenSSH does). */
export function knownKeyTypes(entries: readonly KnownHostEntry[], name: string): string[] {
  return [...new Set(entries.filter((e) => e.marker === "none" && hostMatches(e.hosts, name)).map((e) => e.keyType))];
}

/** One known_hosts line for `name` and `key`, hashed when asked (HashKnownHosts). */
export function formatEntry(name: string, key: Buffer, hashed: boolean): string {
  const hostField = hashed ? hashedHostField(name) : name;
  return `${hostField} ${keyTypeOf(key)} ${key.toString("base64")}`;
}
