// Imported instead of fresh-lab.ts by the lab test files that exercise the plain sshd hosts (no systemd:
// init scripts, pg_ctlcluster), so the roles' and modules' other init path keeps its tests. The hosts are
// rebuilt at import, as fresh-lab.ts does; the next file's fresh-lab.ts brings the systemd hosts back.
import { labDown, labUp } from "../../src/lab/lab.js";

await labDown();
await labUp({ extra: 0, init: "sshd" });
