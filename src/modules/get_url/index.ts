// `get_url`: downloads a URL from the host (the connection starts there, through its sshd) to a file
// on it, atomically, with mode/owner/group. As in Ansible, an existing dest is kept unless `force`
// (or a `checksum` it does not match); a download that does not match `checksum` is refused.
import crypto from "node:crypto";
import path from "node:path";
import type { GetUrlArgs } from "./schema.js";
import { defineModule, fail, ok, type ModuleContext, type Decision } from "../contract.js";
import { isDirectory, planFile, readCurrent, sha1 } from "../support/write-file.js";

const MAX_BYTES = 1024 * 1024 * 1024;
const ALGORITHMS = new Set(["md5", "sha1", "sha224", "sha256", "sha384", "sha512"]);

/** `algorithm:hex` as Ansible writes a checksum, or an error. */
export function parseChecksum(spec: string): { algorithm: string; hex: string } | { error: string } {
  const [algorithm = "", hex = ""] = spec.split(":", 2);
  if (!ALGORITHMS.has(algorithm.toLowerCase()) || !/^[0-9a-f]+$/i.test(hex))
    return { error: `checksum '${spec}' is not <algorithm>:<hex> (md5, sha1, sha224, sha256, sha384, sha512)` };
  return { algorithm: algorithm.toLowerCase(), hex: hex.toLowerCase() };
}

function digest(algorithm: string, content: Buffer): string {
  return crypto.createHash(algorithm).update(content).digest("hex");
}

/** dest, or dest/<last part of the URL's path> when dest is a directory, as Ansible does. */
async function destPath(ctx: ModuleContext, args: GetUrlArgs): Promise<string> {
  if (!args.dest.endsWith("/") && !(await isDirectory(ctx, args.dest))) return args.dest;
  const name = path.posix.basename(new URL(args.url).pathname) || "index.html";
  return path.posix.join(args.dest, name);
}

async function download(
  ctx: ModuleContext,
  args: GetUrlArgs,
): Promise<{ content: Buffer; status: number } | { error: string }> {
  const outcome = await ctx.request({
    url: args.url,
    method: "GET",
    headers: args.headers ?? {},
    timeoutMs: (args.timeout ?? 10) * 1000,
    validateCerts: args.validate_certs !== false,
    followRedirects: true,
    maxBytes: MAX_BYTES,
  });
  if (!outcome.ok) return { error: outcome.error };
  const { status, body } = outcome.response;
  if (status !== 200) return { error: `Request failed: HTTP ${status} for ${args.url}` };
  return { content: body, status };
}

/** The `get_url` module. */
export default defineModule<GetUrlArgs>({
  name: "get_url",
  async plan(ctx, args): Promise<Decision> {
    const sum = args.checksum === undefined ? undefined : parseChecksum(args.checksum);
    if (sum && "error" in sum) return fail(sum.error);
    const dest = await destPath(ctx, args);
    const current = await readCurrent(ctx, dest);
    if ("error" in current) return fail(current.error);
    const matches = (content: Buffer) => !sum || digest(sum.algorithm, content) === sum.hex;
    if (current.content && args.force !== true && matches(current.content)) {
      return ok(sum ? `${dest} matches the checksum` : `${dest} exists and force is false`, {
        dest,
        url: args.url,
        checksum_dest: sha1(current.content),
      });
    }
    const got = await download(ctx, args);
    if ("error" in got) return fail(got.error, { dest, url: args.url });
    if (!matches(got.content))
      return fail(`the checksum of ${args.url} is not ${args.checksum}`, { dest, url: args.url });
    const data = { url: args.url, status_code: got.status, size: got.content.length, checksum_src: sha1(got.content) };
    return planFile(
      { ...args, dest, content: got.content, upToDate: "content and attributes already match", data },
      current,
    );
  },
});
