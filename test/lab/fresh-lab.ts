// Imported by every lab test file: the file starts on freshly built hosts (about a second for the whole
// lab), so no file depends on, or is broken by, what another file left on the hosts.
import { before } from "node:test";
import { labDown, labUp } from "../../src/lab/lab.js";

before(async () => {
  await labDown();
  await labUp({ extra: 0 });
});
