#!/usr/bin/env node
// Committed shim so npm can link the `sw4rm` bin at install time, before `tsc -b` builds dist/.
import "../dist/cli.js";
