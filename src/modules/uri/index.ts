// `uri`: an HTTP request made from the host (the connection starts there, through its sshd), with
// Ansible's results (status, json, content, headers). GET and HEAD only read, so they run in check
// mode too; any other method is a change, made only in a real run.
import type { UriArgs } from "./schema.js";
import {
  defineModule,
  applyFailed,
  change,
  fail,
  ok,
  type HostReader,
  type ModuleData,
  type Decision,
} from "../contract.js";
import type { HttpRequest, HttpResponse } from "../support/http-over.js";

const MAX_BYTES = 64 * 1024 * 1024;

/** The request the arguments describe; a JSON body is serialized and typed as Ansible does. */
export function uriRequest(args: UriArgs): HttpRequest {
  const json = args.body_format === "json" || (args.body !== undefined && typeof args.body !== "string");
  const body =
    args.body === undefined
      ? undefined
      : Buffer.from(typeof args.body === "string" && !json ? args.body : JSON.stringify(args.body), "utf8");
  return {
    url: args.url,
    method: args.method ?? "GET",
    headers: { ...(json && body ? { "Content-Type": "application/json" } : {}), ...(args.headers ?? {}) },
    body,
    timeoutMs: (args.timeout ?? 30) * 1000,
    validateCerts: args.validate_certs !== false,
    followRedirects: true,
    maxBytes: MAX_BYTES,
  };
}

/** What `register:` gets, as Ansible's uri returns it: status, url, headers (a-b as a_b), json, content. */
export function uriData(r: HttpResponse, returnContent: boolean, elapsedMs: number): ModuleData {
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.headers)) data[k.replace(/-/g, "_")] = v;
  const text = r.body.toString("utf8");
  if (/[/+]json\b/.test(r.headers["content-type"] ?? "")) {
    try {
      data.json = JSON.parse(text) as unknown;
    } catch {
      // not JSON after all: only content (when asked for) carries it
    }
  }
  if (returnContent) data.content = text;
  return {
    ...data,
    status: r.status,
    url: r.url,
    redirected: r.redirected,
    elapsed: Math.round(elapsedMs / 1000),
    msg: `OK (${r.body.length} bytes)`,
  };
}

async function request(host: HostReader, args: UriArgs): Promise<{ data: ModuleData; error?: string }> {
  const started = Date.now();
  const outcome = await host.request(uriRequest(args));
  if (!outcome.ok) return { data: { status: -1, url: args.url }, error: outcome.error };
  const data = uriData(outcome.response, args.return_content === true, Date.now() - started);
  const codes =
    args.status_code === undefined ? [200] : Array.isArray(args.status_code) ? args.status_code : [args.status_code];
  const status = outcome.response.status;
  return codes.includes(status) ? { data } : { data, error: `Status code was ${status} and not [${codes.join(", ")}]` };
}

/** The `uri` module. */
export default defineModule<UriArgs>({
  name: "uri",
  async plan(ctx, args): Promise<Decision> {
    const method = args.method ?? "GET";
    if (method === "GET" || method === "HEAD") {
      const r = await request(ctx, args);
      return r.error === undefined
        ? ok(`${method} ${args.url}: ${String(r.data.status)}`, r.data)
        : fail(r.error, r.data);
    }
    return change(`${method} ${args.url}`, async (host) => {
      const r = await request(host, args);
      return r.error === undefined ? r.data : applyFailed(r.error, r.data);
    });
  },
});
