// One-shot checks wait_for runs on the target host: is a TCP port accepting connections, does a path
// exist (and contain a pattern), what HTTP status does a URL answer. Each is a command plus a reading.
import { cmd, type Command } from "../../connection/command.js";
import type { RunResult } from "../../connection/types.js";

/** Connects to host:port from the target with bash's /dev/tcp; exit 0 when the port accepts. */
export function portProbe(host: string, port: number, connectTimeout: number): Command {
  const script = 'exec 3<>"/dev/tcp/$0/$1"';
  return cmd`timeout ${Math.max(1, Math.ceil(connectTimeout))} bash -c ${script} ${host} ${String(port)} 2>/dev/null`;
}

/** Exit 0 when the path exists (and, with a pattern, a line matches the extended regexp). */
export function pathProbe(path: string, regex?: string): Command {
  return regex === undefined ? cmd`test -e ${path}` : cmd`grep -Eq -- ${regex} ${path} 2>/dev/null`;
}

const NODE_GET =
  "const u=process.argv[1];const m=u.startsWith('https:')?require('https'):require('http');" +
  "m.get(u,{timeout:Number(process.argv[2])*1000},r=>{console.log(r.statusCode);process.exit(0)})" +
  ".on('error',()=>{console.log(0);process.exit(0)}).on('timeout',()=>{console.log(0);process.exit(0)})";
const PY_GET =
  "import sys,urllib.request,urllib.error\ntry:print(urllib.request.urlopen(sys.argv[1],timeout=float(sys.argv[2])).status)\n" +
  "except urllib.error.HTTPError as e:print(e.code)\nexcept Exception:print(0)";

/** Prints the HTTP status of a GET of `url` (0: no answer); exit 3 when no HTTP client exists on the host. */
export function httpProbe(url: string, connectTimeout: number): Command {
  const t = String(Math.max(1, Math.ceil(connectTimeout)));
  return cmd`if command -v curl >/dev/null 2>&1; then curl -s -o /dev/null -m ${t} -w '%{http_code}' -- ${url} || true; echo;
elif command -v node >/dev/null 2>&1; then node -e ${NODE_GET} ${url} ${t};
elif command -v python3 >/dev/null 2>&1; then python3 -c ${PY_GET} ${url} ${t};
else echo 'no curl, node or python3 on the host' >&2; exit 3; fi`;
}

/** The status an httpProbe printed, or an error when the host has no client. */
export function readHttp(r: RunResult): { status: number } | { error: string } {
  if (r.kind === "exited" && r.exitCode === 3) return { error: r.stderr.trim() };
  return { status: Number.parseInt(r.stdout.trim(), 10) || 0 };
}

/** True when a probe command succeeded. */
export function succeeded(r: RunResult): boolean {
  return r.kind === "exited" && r.exitCode === 0;
}
