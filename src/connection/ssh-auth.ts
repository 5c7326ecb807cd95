// Authentication methods for one endpoint, in OpenSSH's order: agent, key files, password.
// Unusable keys are skipped with a note so an auth failure can say what was tried and why.
import { readFile } from "node:fs/promises";
import ssh2, { type AnyAuthMethod, type AuthHandlerMiddleware } from "ssh2";
import type { ResolvedTarget } from "./ssh-config.js";

/** The methods to try and notes on what was skipped, for the auth failure message. */
export interface AuthPlan {
  readonly handler: AuthHandlerMiddleware;
  /** Human-readable: what was offered ("agent", "key ~/.ssh/id_ed25519", "password") and what was skipped. */
  readonly describe: () => string;
}

/** Loads the key files and builds ssh2's authHandler for `t`. */
export async function planAuth(t: ResolvedTarget): Promise<AuthPlan> {
  const username = t.user;
  const methods: Array<{ label: string; method: AnyAuthMethod }> = [];
  const skipped: string[] = [];
  if (t.agent !== undefined && !t.identitiesOnly)
    methods.push({ label: "agent", method: { type: "agent", username, agent: t.agent } });
  for (const file of t.identityFiles) {
    const loaded = await loadKey(file, t.passphrase?.value);
    if (loaded.ok)
      methods.push({
        label: `key ${file}`,
        method: { type: "publickey", username, key: loaded.key, passphrase: t.passphrase?.value },
      });
    else if (loaded.reason !== "missing") skipped.push(`key ${file} (${loaded.reason})`);
  }
  if (t.agent !== undefined && t.identitiesOnly)
    methods.push({ label: "agent", method: { type: "agent", username, agent: t.agent } });
  const password = t.password?.value;
  if (password !== undefined) {
    methods.push({ label: "password", method: { type: "password", username, password } });
    const prompt: Extract<AnyAuthMethod, { type: "keyboard-interactive" }>["prompt"] = (_n, _i, _l, prompts, finish) =>
      finish(prompts.map(() => password));
    methods.push({ label: "keyboard-interactive", method: { type: "keyboard-interactive", username, prompt } });
  }
  const tried: string[] = [];
  let next = 0;
  const handler: AuthHandlerMiddleware = (authsLeft, _partial, callback) => {
    while (next < methods.length) {
      const m = methods[next++]!;
      const wire = m.method.type === "agent" ? "publickey" : m.method.type;
      if (authsLeft && !authsLeft.includes(wire)) continue;
      tried.push(m.label);
      callback(m.method);
      return;
    }
    callback(false as never);
  };
  return {
    handler,
    describe: () =>
      [
        `tried: ${tried.join(", ") || "nothing (no agent, no usable key file, no password)"}`,
        ...(skipped.length ? [`skipped: ${skipped.join(", ")}`] : []),
      ].join("; "),
  };
}

type LoadedKey = { readonly ok: true; readonly key: Buffer } | { readonly ok: false; readonly reason: string };

async function loadKey(file: string, passphrase: string | undefined): Promise<LoadedKey> {
  let key: Buffer;
  try {
    key = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === "ENOENT" ? "missing" : `unreadable: ${code ?? (e as Error).message}` };
  }
  const parsed = ssh2.utils.parseKey(key, passphrase);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    return { ok: false, reason: encrypted ? "encrypted: give its passphrase" : parsed.message };
  }
  return { ok: true, key };
}
