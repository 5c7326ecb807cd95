// Every core module's argument schema, registered at start-up; the executor's modules import theirs from here.
import type { ModuleSchemaSpec } from "../module-registry.js";
import { commandModule } from "./command.js";
import { shellModule } from "./shell.js";
import { fileModule } from "./file.js";
import { copyModule } from "./copy.js";
import { templateModule } from "./template.js";
import { lineinfileModule } from "./lineinfile.js";
import { blockinfileModule } from "./blockinfile.js";
import { statModule } from "./stat.js";
import { aptModule } from "./apt.js";
import { packageModule } from "./package.js";
import { serviceModule } from "./service.js";
import { mountModule } from "./mount.js";
import { sysctlModule } from "./sysctl.js";
import { userModule } from "./user.js";
import { groupModule } from "./group.js";
import { waitForModule } from "./wait_for.js";
import { getUrlModule } from "./get_url.js";
import { uriModule } from "./uri.js";
import { assertModule } from "./assert.js";
import { failModule } from "./fail.js";
import { debugModule } from "./debug.js";
import { setFactModule } from "./set_fact.js";
import { pauseModule } from "./pause.js";
import { includeVarsModule } from "./include_vars.js";
import { metaModule } from "./meta.js";
import { setupModule } from "./setup.js";
import { pingModule } from "./ping.js";
import { postgresQueryModule } from "./postgres_query.js";
import { postgresUserModule } from "./postgres_user.js";
import { postgresSlotModule } from "./postgres_slot.js";
import { postgresSettingModule } from "./postgres_setting.js";
import { postgresFactsModule } from "./postgres_facts.js";

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
];
