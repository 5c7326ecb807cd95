// `npm run soak`: the soak on the embedded lab (brought up with three agents and provisioned first), the
// summary printed as a table, or as JSON with `--json`; exits 1 when anything was lost or split, or a
// round failed. `--rounds S,C,P` runs S switchovers, C crash failovers and P partition failovers instead
// of the full 20,5,2 (for a quick look; the README's figures are of the full soak).
import { FULL_SOAK, type SoakPlan, summaryTable } from "./figures.js";
import { runSoak } from "./soak.js";

function planFrom(args: readonly string[]): SoakPlan {
  const i = args.indexOf("--rounds");
  if (i < 0) return FULL_SOAK;
  const parts = (args[i + 1] ?? "").split(",").map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n) || n < 0))
    throw new Error(
      `--rounds wants three whole numbers, S,C,P (switchovers, crash failovers, partition failovers), got ${args[i + 1]}`,
    );
  const [switchover, crash, partition] = parts as [number, number, number];
  return { switchover, "crash failover": crash, "partition failover": partition };
}

async function main(): Promise<number> {
  if (process.getuid?.() !== 0) {
    console.error("soak: the lab needs root (network namespaces, mounts): run `sudo npm run soak`, or as root");
    return 2;
  }
  const args = process.argv.slice(2);
  const json = args.includes("--json");
  const started = Date.now();
  // Round lines go to stderr, so `--json` leaves stdout to the summary alone.
  const summary = await runSoak(planFrom(args), (line) => console.error(line));
  const took = `${((Date.now() - started) / 60_000).toFixed(1)} min`;
  if (json) console.log(JSON.stringify({ ...summary, minutes: Number.parseFloat(took) }, null, 2));
  else console.log(`${summaryTable(summary)}\n(${took}, ${new Date().toISOString()})`);
  return summary.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`soak: ${err.message}`);
    process.exit(2);
  },
);
