#!/usr/bin/env node
/** joulebench executable: run the CLI, then exit explicitly. */
import { main } from './program.js';

// Exit explicitly: dawn.node keeps the event loop alive while a GPU instance is referenced
// (https://issues.chromium.org/issues/387965810), so the CLI must not wait for a natural exit.
const code = await main(process.argv);
process.exit(code);
