// Imports every module implementation so each registers itself; the engine imports this once.
import "./assert.js";
import "./blockinfile.js";
import "./command.js";
import "./copy.js";
import "./debug.js";
import "./fail.js";
import "./file.js";
import "./lineinfile.js";
import "./pause.js";
import "./set_fact.js";
import "./shell.js";
import "./stat.js";
import "./template.js";
import "./wait_for.js";
