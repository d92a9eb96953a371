#!/usr/bin/env node
/** joulebench executable: run the CLI, then exit explicitly once its output has reached the reader. */
import { main } from './program.js';
import { exitWhenFlushed, guardStdio } from './stdio.js';

// Exit explicitly: dawn.node keeps the event loop alive while a GPU instance is referenced
// (https://issues.chromium.org/issues/387965810), so the CLI must not wait for a natural exit.
// But not before stdout/stderr are flushed: a pipe would lose what it still holds (src/cli/stdio.ts).
guardStdio();
const code = await main(process.argv);
await exitWhenFlushed(code);
