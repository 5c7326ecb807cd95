// Host-key verification for one endpoint: reads its known_hosts files, judges the presented key for
// ssh2's hostVerifier, records trust-on-first-use, and explains a refusal as an UnreachableError.
import { appendFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { UnreachableError } from "./errors.js";
import {
  checkHostKey,
  fingerprint,
  formatEntry,
  keyTypeOf,
  knownKeyTypes,
  lookupName,
  parseKnownHosts,
  type KnownHostEntry,
} from "./known-hosts.js";
import type { ResolvedTarget } from "./ssh-config.js";

/** ssh2's default host key algorithms, in its order (used to put already-known types first). */
const DEFAULT_HOST_KEY_ALGORITHMS = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "rsa-sha2-512",
  "rsa-sha2-256",
  "ssh-rsa",
];

interface FileEntries {
  readonly file: string;
  readonly entries: KnownHostEntry[];
}

/** A prepared check: the verifier to hand to ssh2 and, after a refusal, why. */
export interface HostKeyCheck {
  /** ssh2 `hostVerifier` (asynchronous form). */
  readonly verify: (key: Buffer, done: (ok: boolean) => void) => void;
  /** The refusal, once the verifier has said no. */
  readonly refusal: () => UnreachableError | undefined;
  /** Host key algorithms with the types known for this host first, as OpenSSH orders them. */
  readonly algorithms: string[];
}

/** Reads the target's known_hosts files (missing ones count as empty) and builds the check. */
export async function prepareHostKeyCheck(t: ResolvedTarget): Promise<HostKeyCheck> {
  const files = await Promise.all(t.knownHostsFiles.map(readEntries));
  const name = lookupName(t.hostname, t.port);
  let refusal: UnreachableError | undefined;
  const verify = (key: Buffer, done: (ok: boolean) => void): void => {
    judge(t, files, name, key).then(
      (r) => {
        refusal = r;
        done(r === undefined);
      },
      (e: unknown) => {
        refusal = new UnreachableError(
          t.name,
          "config",
          `cannot record the host key of ${name}: ${(e as Error).message}`,
        );
        done(false);
      },
    );
  };
  return {
    verify,
    refusal: () => refusal,
    algorithms: preferredAlgorithms(files.flatMap((f) => knownKeyTypes(f.entries, name))),
  };
}

async function readEntries(file: string): Promise<FileEntries> {
  try {
    return { file, entries: parseKnownHosts(await readFile(file, "utf8")) };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { file, entries: [] };
    throw e;
  }
}

// Undefined when the key is acceptable; otherwise the error explaining the refusal.
async function judge(
  t: ResolvedTarget,
  files: readonly FileEntries[],
  name: string,
  key: Buffer,
): Promise<UnreachableError | undefined> {
  const shown = `${keyTypeOf(key)} ${fingerprint(key)}`;
  const verdicts = files.map(({ file, entries }) => ({ file, verdict: checkHostKey(entries, name, key) }));
  const revoked = verdicts.find((v) => v.verdict.status === "revoked");
  if (revoked?.verdict.status === "revoked") {
    return new UnreachableError(
      t.name,
      "hostkey-revoked",
      `host key for ${name} (${shown}) is REVOKED in ${revoked.file}:${revoked.verdict.entry.line}; refusing to connect`,
    );
  }
  if (verdicts.some((v) => v.verdict.status === "known")) return undefined;
  const changed = verdicts.find((v) => v.verdict.status === "changed");
  if (changed?.verdict.status === "changed") {
    const { file, verdict } = changed;
    const other =
      verdict.entry.keyType === keyTypeOf(key)
        ? `a different ${verdict.entry.keyType} key`
        : `a different key, of type ${verdict.entry.keyType}`;
    return new UnreachableError(
      t.name,
      "hostkey-changed",
      `HOST KEY CHANGED for ${name}: it presented ${shown}, but ${file}:${verdict.entry.line} has ${other} (possible man-in-the-middle); ` +
        `if the change is expected, remove the old entry with ssh-keygen -R '${name}' -f ${file}`,
    );
  }
  const where = files.map((f) => f.file).join(", ") || "(no known_hosts file)";
  const first = files[0]?.file;
  if (t.unknownKeyPolicy === "accept-new" && first !== undefined) {
    await mkdir(path.dirname(first), { recursive: true, mode: 0o700 });
    await appendFile(first, `${formatEntry(name, key, t.hashKnownHosts)}\n`, { mode: 0o600 });
    return undefined;
  }
  return new UnreachableError(
    t.name,
    "hostkey-unknown",
    `host key for ${name} (${shown}) is not in ${where}; add it with ssh-keyscan or pass --trust-on-first-use`,
  );
}

function preferredAlgorithms(knownTypes: readonly string[]): string[] {
  const expand = (type: string) => (type === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [type]);
  const first = knownTypes.flatMap(expand).filter((a) => DEFAULT_HOST_KEY_ALGORITHMS.includes(a));
  return [...new Set([...first, ...DEFAULT_HOST_KEY_ALGORITHMS])];
}
