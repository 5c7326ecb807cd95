// HTTP(S) requests made from the target host, as Ansible's get_url and uri make them: the TCP
// connection is a stream the host's sshd opens (direct-tcpip), so the request leaves from the host
// (its network, its name resolution) and the host needs no curl or Python. TLS runs over that stream.
import http from "node:http";
import type { Duplex } from "node:stream";
import tls from "node:tls";
import type { Connection } from "../../connection/types.js";

/** One request: what to send, how long to wait, whether to check the server's certificate. */
export interface HttpRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  readonly timeoutMs: number;
  readonly validateCerts: boolean;
  /** Follow redirects (GET and HEAD only, as Ansible's default `safe`). */
  readonly followRedirects: boolean;
  /** Refuse a body larger than this many bytes. */
  readonly maxBytes: number;
}

/** The answer: status, lower-cased headers, body, and the URL finally answered. */
export type HttpResponse = {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly url: string;
  readonly redirected: boolean;
};

/** The outcome of a request: a response (any status), or why there is none. */
export type HttpOutcome = { ok: true; response: HttpResponse } | { ok: false; error: string };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/** Sends `req` from the host behind `conn`, following redirects when asked; never throws. */
export async function httpFromHost(conn: Connection, req: HttpRequest): Promise<HttpOutcome> {
  let url = req.url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    let response: HttpResponse;
    try {
      response = await once(conn, { ...req, url });
    } catch (e) {
      return { ok: false, error: `${req.method} ${url}: ${(e as Error).message}` };
    }
    const location = response.headers.location;
    const follow =
      req.followRedirects && ["GET", "HEAD"].includes(req.method) && REDIRECTS.has(response.status) && location;
    if (!follow) return { ok: true, response: { ...response, redirected: hop > 0 } };
    url = new URL(location, url).toString();
  }
  return { ok: false, error: `${req.url}: more than ${MAX_REDIRECTS} redirects` };
}

/** A stream to the URL's server, opened by the host; TLS on top for https. */
async function openStream(conn: Connection, target: URL, req: HttpRequest): Promise<Duplex> {
  const https = target.protocol === "https:";
  if (!https && target.protocol !== "http:")
    throw new Error(`unsupported scheme '${target.protocol}' (http and https only)`);
  const port = Number(target.port || (https ? 443 : 80));
  const host = target.hostname.replace(/^\[|\]$/g, "");
  const raw = await conn.forwardOut(host, port);
  if (!https) return raw;
  const servername = /^[\d.]+$|:/.test(host) ? undefined : host;
  return tls.connect({ socket: raw, servername, rejectUnauthorized: req.validateCerts });
}

function headersOf(res: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers))
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

async function once(conn: Connection, req: HttpRequest): Promise<HttpResponse> {
  const target = new URL(req.url);
  const stream = await openStream(conn, target, req);
  const auth = target.username
    ? {
        Authorization: `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString("base64")}`,
      }
    : {};
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        method: req.method,
        host: target.hostname,
        path: `${target.pathname}${target.search}`,
        headers: {
          Host: target.host,
          "User-Agent": "gocd-bc",
          ...auth,
          ...req.headers,
          ...(req.body ? { "Content-Length": String(req.body.length) } : {}),
        },
        createConnection: () => stream as never,
        timeout: req.timeoutMs,
      },
      (res) => collect(res, req, resolve, reject),
    );
    request.on("timeout", () => request.destroy(new Error(`no answer within ${req.timeoutMs / 1000}s`)));
    request.on("error", (e) => {
      stream.destroy();
      reject(e);
    });
    request.end(req.body);
  });
}

function collect(
  res: http.IncomingMessage,
  req: HttpRequest,
  resolve: (r: HttpResponse) => void,
  reject: (e: Error) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.on("data", (c: Buffer) => {
    size += c.length;
    if (size > req.maxBytes) res.destroy(new Error(`the answer is larger than ${req.maxBytes} bytes`));
    else chunks.push(c);
  });
  res.on("error", reject);
  res.on("end", () => {
    resolve({
      status: res.statusCode ?? 0,
      headers: headersOf(res),
      body: Buffer.concat(chunks),
      url: req.url,
      redirected: false,
    });
    res.socket?.destroy();
  });
}
