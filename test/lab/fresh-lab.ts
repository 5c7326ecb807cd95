// Imported by every lab test file: the file starts on freshly built hosts (about a second for the whole
// lab), so no file depends on, or is broken by, what another file left on the hosts. The rebuild runs at
// import (top-level await), so it is done before the file registers, let alone runs, any hook or test.
import { labDown, labUp } from "../../src/lab/lab.js";

await labDown();
await labUp({ extra: 0 });
