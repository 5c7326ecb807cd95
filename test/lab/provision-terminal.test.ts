// The live view on the lab, as an operator at a terminal sees it (issue 16): `gocd-bc provision` under a
// pseudo-terminal provisions fresh hosts with nothing failed, draws its live region while it runs and
// ends with the whole recap, every host of the run in it; `drift` at a terminal then finds nothing and
// says so last. Results only: the bench (`npm run bench`) measures what the view costs.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import "./fresh-lab.js";
import { screenOf } from "../bench/vt.js";
import { cliAtTerminal, labInventory, provisionOk, recap, told, type Cli } from "./cli.js";

/** The screen's recap block: `host : ok=... failed=...` lines after `PLAY RECAP ***`, then `Finished in`. */
function recapOnScreen(screen: readonly string[], r: Cli): Map<string, string> {
  const at = screen.lastIndexOf("PLAY RECAP ***");
  assert.ok(at >= 0, `no recap on the screen: ${told(r)}`);
  const lines = new Map<string, string>();
  let i = at + 1;
  for (; i < screen.length && screen[i] !== ""; i++) {
    const line = screen[i] as string;
    const m = /^(\S+) +: ok=\d+ +changed=\d+ +unreachable=\d+ +failed=\d+ +skipped=\d+ +rescued=\d+ +ignored=\d+$/.exec(
      line,
    );
    assert.ok(m, `not a recap line: ${JSON.stringify(line)}`);
    lines.set(m[1] as string, line);
  }
  assert.match(screen[i + 1] ?? "", /^Finished in \d/, "the recap ends with the run's duration");
  return lines;
}

/** Nothing on the screen says a host failed: no failed task mark, no failure line, no report error. */
function assertNothingFailed(screen: readonly string[]): void {
  const bad = screen.filter((l) => /^(✖ |failed: \[|unreachable: \[|\[report error\])/.test(l));
  assert.deepEqual(bad, [], "a failure on the screen");
}

describe("provision and drift at a terminal (the live view) on the lab", { concurrency: false }, () => {
  it("provisions fresh hosts at a terminal: exit 0, the live view drawn, nothing failed, the whole recap at the end", async (t) => {
    const r = await cliAtTerminal(["provision", ...labInventory()], 600_000);
    assert.equal(r.code, 0, told(r));
    assert.match(r.stdout, /\u001b\[\d+A/, "the live region was never redrawn: not the terminal view");
    const screen = screenOf(r.stdout);
    assertNothingFailed(screen);
    const onScreen = recapOnScreen(screen, r);
    for (const [host, line] of onScreen) assert.match(line, / unreachable=0 +failed=0 /, `${host} failed in the recap`);
    // The same run again, piped as JSON (nothing left to change): its recap names the same hosts.
    const again = await provisionOk();
    assert.deepEqual(
      [...onScreen.keys()].sort(),
      Object.keys(recap(again)).sort(),
      "the terminal's recap left hosts out",
    );
    t.diagnostic(`provision at a terminal ${r.ms} ms, ${r.stdout.length} bytes written to it`);
  });

  it("drift at a terminal finds nothing and says so after the recap", async () => {
    const r = await cliAtTerminal(["drift", ...labInventory()]);
    assert.equal(r.code, 0, told(r));
    const screen = screenOf(r.stdout);
    assertNothingFailed(screen);
    recapOnScreen(screen, r);
    assert.equal(screen[screen.length - 1], "drift: none");
  });
});
