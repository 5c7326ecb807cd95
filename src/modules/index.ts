// The modules: one entry per folder src/modules/<name>/, naming its schema.ts; registry.ts derives the rest
// (names, aliases, and the implementation in <name>/index.ts) from this list, and modules-folders.test.ts
// fails when a folder is missing here or a name here has no folder.
import type { ModuleSchemaSpec } from "./registry.js";
import { commandModule } from "./command/schema.js";
import { shellModule } from "./shell/schema.js";
import { fileModule } from "./file/schema.js";
import { copyModule } from "./copy/schema.js";
import { templateModule } from "./template/schema.js";
import { lineinfileModule } from "./lineinfile/schema.js";
import { blockinfileModule } from "./blockinfile/schema.js";
import { statModule } from "./stat/schema.js";
import { aptModule } from "./apt/schema.js";
import { packageModule } from "./package/schema.js";
import { serviceModule } from "./service/schema.js";
import { mountModule } from "./mount/schema.js";
import { sysctlModule } from "./sysctl/schema.js";
import { userModule } from "./user/schema.js";
import { groupModule } from "./group/schema.js";
import { waitForModule } from "./wait_for/schema.js";
import { getUrlModule } from "./get_url/schema.js";
import { uriModule } from "./uri/schema.js";
import { assertModule } from "./assert/schema.js";
import { failModule } from "./fail/schema.js";
import { debugModule } from "./debug/schema.js";
import { setFactModule } from "./set_fact/schema.js";
import { pauseModule } from "./pause/schema.js";
import { includeVarsModule } from "./include_vars/schema.js";
import { metaModule } from "./meta/schema.js";
import { setupModule } from "./setup/schema.js";
import { pingModule } from "./ping/schema.js";
import { postgresQueryModule } from "./postgres_query/schema.js";
import { postgresUserModule } from "./postgres_user/schema.js";
import { postgresSlotModule } from "./postgres_slot/schema.js";
import { postgresSettingModule } from "./postgres_setting/schema.js";
import { postgresFactsModule } from "./postgres_facts/schema.js";
import { postgresStandbyDatadirModule } from "./postgres_standby_datadir/schema.js";

/** The core modules, in the order the docs list them. */
export const CORE_MODULES: readonly ModuleSchemaSpec[] = [
  commandModule,
  shellModule,
  fileModule,
  copyModule,
  templateModule,
  lineinfileModule,
  blockinfileModule,
  statModule,
  aptModule,
  packageModule,
  serviceModule,
  mountModule,
  sysctlModule,
  userModule,
  groupModule,
  waitForModule,
  getUrlModule,
  uriModule,
  assertModule,
  failModule,
  debugModule,
  setFactModule,
  pauseModule,
  includeVarsModule,
  metaModule,
  setupModule,
  pingModule,
  postgresQueryModule,
  postgresUserModule,
  postgresSlotModule,
  postgresSettingModule,
  postgresFactsModule,
  postgresStandbyDatadirModule,
];
