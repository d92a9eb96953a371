// The part scripts/long-functions.mjs and scripts/layers.mjs share: open a tsconfig project with the
// TypeScript 7 compiler's parser through its API (`typescript/unstable/sync`, which drives the
// installed tsgo binary; see https://github.com/microsoft/typescript-go, `_packages/api`) and hand
// each of its source files, by path relative to the project's directory, to a callback.
import { relative } from 'node:path';
import { API } from 'typescript/unstable/sync';

/**
 * Call `visit(file, sourceFile)` for every source file of the project `projectFile` (a tsconfig)
 * under `root` that `keep(file)` accepts, in path order; node_modules and files outside `root`
 * are left out.
 */
export function forEachSourceFile(projectFile, root, keep, visit) {
  const api = new API({ cwd: root });
  try {
    const program = api.updateSnapshot({ openProject: projectFile }).getProjects()[0]?.program;
    if (!program) throw new Error(`${projectFile}: no project`);
    const files = program
      .getSourceFileNames()
      .map((f) => ({ abs: f, file: relative(root, f) }))
      .filter(({ file }) => !file.startsWith('..') && !file.includes('node_modules') && keep(file))
      .sort((a, b) => a.file.localeCompare(b.file));
    for (const { abs, file } of files) visit(file, program.getSourceFile(abs));
  } finally {
    api.close();
  }
}
