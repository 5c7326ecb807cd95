// One psql process per host, database, user and port for the whole run, shared by every PostgreSQL task
// and fact there: starting psql (become, the client's start, the server's authentication and backend)
// costs 30-50 ms on a lab host, a statement through a running psql about a millisecond. Each statement
// is a script of its own on psql's stdin, framed by markers on stdout and on stderr (\warn), so its rows,
// its command tag and its error come back apart from the next one's. Statements run one at a time, each
// after DISCARD ALL, so a task's session settings never reach the next task (as with a connection each).
// ON_ERROR_STOP stays off: a failed statement ends its script, not the session. psql exits when the
// server connection is lost (a restart between tasks): a statement whose script psql never began is run
// again on a new session, once; one that had begun fails, as it would have on its own connection.
import { randomBytes } from "node:crypto";
import type { Command, Connection, BecomeSpec, RemoteProcess } from "../../connection/index.js";

/** What a statement's script gave back. */
export type ScriptOutcome =
  | { readonly kind: "done"; readonly stdout: string; readonly error?: string }
  /** psql ended before the end marker; `begun` says whether the statement's start marker came first. */
  | { readonly kind: "ended"; readonly begun: boolean; readonly stderr: string }
  | { readonly kind: "timeout" };

/** The settings every script relies on, sent once when the session starts. */
const SESSION_PRELUDE = [
  "\\encoding UTF8",
  "\\set ON_ERROR_STOP off",
  "\\set QUIET on",
  "\\pset format unaligned",
  "\\pset tuples_only on",
  "\\pset pager off",
];

/** The framed script for one statement: `body` sends the statement and checks whether it failed (see pg.ts). */
export function sessionScript(body: string, marker: string): string {
  return [
    "DISCARD ALL;",
    "SET standard_conforming_strings = on;",
    `\\echo ${marker}_begin`,
    body,
    `\\echo ${marker}_end`,
    `\\warn ${marker}_end`,
    "",
  ].join("\n");
}

/** The lines that tell whether the last statement failed, placed right after it (before a ROLLBACK
 * would reset ERROR). */
export function errorCheck(marker: string): string {
  return [`\\if :ERROR`, `\\echo ${marker}_failed`, `\\endif`].join("\n");
}

const HELLO = "__gocd_bc_hello";
/** The first psql with every command the framing uses (\warn). */
const FRAMING_VERSION = 130000;
const HELLO_TIMEOUT_MS = 30_000;

/** A running psql, one script at a time. */
export class PsqlProcess {
  private out = "";
  private err = "";
  private ended = false;
  private wake: (() => void) | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly proc: RemoteProcess) {
    proc.onOutput((stream, chunk) => {
      if (stream === "out") this.out += chunk.toString("utf8");
      else this.err += chunk.toString("utf8");
      this.wake?.();
    });
    proc.onEnd(() => {
      this.ended = true;
      this.wake?.();
    });
    proc.write(`${SESSION_PRELUDE.join("\n")}\n\\echo ${HELLO} :VERSION_NUM\n`);
  }

  /** psql's version (VERSION_NUM) once it answered, or undefined when it ended first or did not answer
   * with one (a psql too old for the framing: \warn came with 13). */
  hello(timeoutMs: number): Promise<number | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(undefined), timeoutMs);
      const done = (v: number | undefined) => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve(v);
      };
      this.wake = () => {
        const m = new RegExp(`${HELLO} (\\S*)\n`).exec(this.out);
        if (m) done(Number.isInteger(Number(m[1])) ? Number(m[1]) : undefined);
        else if (this.ended) done(undefined);
      };
      this.wake();
    });
  }

  isOpen(): boolean {
    return !this.ended;
  }

  close(): void {
    this.ended = true;
    this.proc.close();
  }

  /** Runs one statement's script (built by `build` around a fresh marker), after the ones before it. */
  run(build: (marker: string) => string, timeoutMs: number): Promise<ScriptOutcome> {
    const next = this.queue.then(() => this.runNow(build, timeoutMs));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private runNow(build: (marker: string) => string, timeoutMs: number): Promise<ScriptOutcome> {
    const marker = `__gocd_bc_${randomBytes(6).toString("hex")}`;
    this.out = "";
    this.err = "";
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        this.close();
        resolve({ kind: "timeout" });
      }, timeoutMs);
      this.wake = () => {
        const outEnd = this.out.indexOf(`${marker}_end\n`);
        const errEnd = this.err.indexOf(`${marker}_end\n`);
        if (outEnd >= 0 && errEnd >= 0) {
          clearTimeout(timer);
          this.wake = undefined;
          const begin = this.out.indexOf(`${marker}_begin\n`);
          const stdout = this.out.slice(begin + marker.length + 7, outEnd);
          const failed = stdout.includes(`${marker}_failed\n`);
          const error = this.err.slice(0, errEnd).trim() || "the statement failed";
          resolve({ kind: "done", stdout: stdout.replace(`${marker}_failed\n`, ""), ...(failed ? { error } : {}) });
        } else if (this.ended) {
          clearTimeout(timer);
          this.wake = undefined;
          resolve({ kind: "ended", begun: this.out.includes(`${marker}_begin\n`), stderr: this.err.trim() });
        }
      };
      if (this.ended) return this.wake();
      this.proc.write(build(marker));
    });
  }
}

/** Sessions by connection, then by how psql was started (user, database, port, host, become). */
const sessions = new WeakMap<Connection, Map<string, Promise<PsqlProcess | undefined>>>();

/** The host's open psql session for this command line, started on first use; undefined where the
 * connection keeps no long-lived process (each statement then runs a psql of its own). */
export async function psqlProcess(
  conn: Connection,
  command: Command,
  become: BecomeSpec,
): Promise<PsqlProcess | undefined> {
  if (!conn.spawn) return undefined;
  const key = `${become.user ?? ""} ${become.method ?? ""} ${command.toShell()}`;
  const mine = sessions.get(conn) ?? new Map<string, Promise<PsqlProcess | undefined>>();
  sessions.set(conn, mine);
  const known = await mine.get(key)?.catch(() => undefined);
  if (known?.isOpen()) return known;
  const starting = conn.spawn(command, { become }).then(async (p) => {
    if (!p) return undefined;
    const session = new PsqlProcess(p);
    const version = await session.hello(HELLO_TIMEOUT_MS);
    if (version !== undefined && version >= FRAMING_VERSION) return session;
    session.close();
    return undefined;
  });
  mine.set(key, starting);
  return starting;
}
