#!/usr/bin/env node
// Check the import graph of src/ against the architecture (issue 24): no import cycle (type-only
// imports included: a cycle of types is still two modules that cannot be understood apart), and no
// import that points up a layer (the rules below, the same table ARCHITECTURE.md shows).
//
//   node scripts/layers.mjs [--json] [--project tsconfig.json]
//
// Parses the project with the TypeScript 7 compiler's parser through its API
// (`typescript/unstable/sync`; see https://github.com/microsoft/typescript-go, `_packages/api`) and
// collects every module reference of each file under src/: `import … from`, `export … from`,
// `import x = require(…)`, `import('…')` types and calls with a literal specifier. Relative specifiers
// resolve to the .ts source (`./x.js` → `./x.ts`, `./dir` → `./dir/index.ts`). Cycles are the
// strongly connected components of that graph (Tarjan, 1972, "Depth-first search and linear graph
// algorithms", SIAM J. Comput. 1(2)). Exit 1 when a cycle or a forbidden import is found, 2 on bad usage.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SyntaxKind } from 'typescript/unstable/ast';
import { forEachSourceFile } from './ts-project.mjs';

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Who may not import whom. `from`: folders under src/ the rule applies to ('*' = every folder but
 * the ones in `except`); `to`: folders they must not import.
 */
export const RULES = [
  { name: 'the CLI is the top: nothing outside src/cli imports it', from: '*', except: ['cli'], to: ['cli'] },
  {
    name: 'reporting renders results: nothing below it imports report/',
    from: ['results', 'core', 'hash', 'infer', 'power', 'profit', 'stats', 'gpu', 'host', 'util', 'verify'],
    to: ['report'],
  },
  {
    name: 'results are the bottom data model: they import only stats/ and util/',
    from: ['results'],
    to: ['core', 'hash', 'infer', 'power', 'profit', 'gpu', 'host', 'run', 'fleet', 'ab', 'verify', 'doctor', 'report', 'cli'],
  },
  {
    name: 'pure math imports no I/O layer',
    from: ['stats'],
    to: ['core', 'hash', 'infer', 'power', 'profit', 'gpu', 'host', 'run', 'fleet', 'ab', 'verify', 'doctor', 'report', 'cli'],
  },
];

function usage(message) {
  process.stderr.write(`layers: ${message}\nusage: node scripts/layers.mjs [--json] [--project tsconfig.json]\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { json: false, project: join(PACKAGE_ROOT, 'tsconfig.json') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--project') {
      opts.project = resolve(argv[++i] ?? '');
      if (!argv[i] || !existsSync(opts.project)) usage(`--project '${argv[i] ?? ''}': no such tsconfig file`);
    } else usage(a === '--help' || a === '-h' ? 'checks import cycles and layer rules in src/' : `unknown option ${a}`);
  }
  opts.root = dirname(opts.project);
  return opts;
}

/** Every literal module specifier a source file refers to. */
function specifiers(sf) {
  const out = [];
  const lit = (n) => (n && (n.kind === SyntaxKind.StringLiteral || n.kind === SyntaxKind.NoSubstitutionTemplateLiteral) ? n.text : null);
  const visit = (node) => {
    let s = null;
    if (node.kind === SyntaxKind.ImportDeclaration || node.kind === SyntaxKind.ExportDeclaration) s = lit(node.moduleSpecifier);
    else if (node.kind === SyntaxKind.ExternalModuleReference) s = lit(node.expression);
    else if (node.kind === SyntaxKind.ImportType) s = lit(node.argument?.literal);
    else if (node.kind === SyntaxKind.CallExpression && node.expression.kind === SyntaxKind.ImportKeyword) s = lit(node.arguments[0]);
    if (s) out.push(s);
    node.forEachChild(visit);
  };
  sf.forEachChild(visit);
  return out;
}

/** The src/ file a relative specifier names, or null (packages, node: builtins, files outside src/). */
function resolveSpecifier(fromFile, spec, known) {
  if (!spec.startsWith('.')) return null;
  const base = join(dirname(fromFile), spec);
  for (const c of [base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, join(base, 'index.ts'), base]) {
    if (known.has(c)) return c;
  }
  return null;
}

/** Strongly connected components with more than one file, or a file importing itself. */
function cycles(graph) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const found = [];
  const strong = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? new Set()).has(v)) found.push(comp.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) strong(v);
  return found;
}

const folderOf = (file) => file.split('/')[1] ?? '';

function violations(graph) {
  const out = [];
  for (const [from, tos] of graph) {
    const fromFolder = folderOf(from);
    for (const to of tos) {
      const toFolder = folderOf(to);
      if (toFolder === fromFolder) continue;
      for (const r of RULES) {
        const applies = r.from === '*' ? !(r.except ?? []).includes(fromFolder) : r.from.includes(fromFolder);
        if (applies && r.to.includes(toFolder)) out.push({ from, to, rule: r.name });
      }
    }
  }
  return out.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const graph = new Map();
  const files = [];
  forEachSourceFile(opts.project, opts.root, (f) => f.startsWith('src/') && f.endsWith('.ts'), (file, sf) => files.push({ file, specs: specifiers(sf) }));
  const known = new Set(files.map((f) => f.file));
  for (const { file, specs } of files) graph.set(file, new Set(specs.map((s) => resolveSpecifier(file, s, known)).filter((t) => t !== null)));
  const found = { files: graph.size, cycles: cycles(graph), violations: violations(graph) };
  if (opts.json) process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
  else {
    for (const c of found.cycles) process.stdout.write(`cycle: ${c.join(' → ')}\n`);
    for (const v of found.violations) process.stdout.write(`${v.from} imports ${v.to}: ${v.rule}\n`);
    process.stdout.write(`${found.files} files: ${found.cycles.length} cycle(s), ${found.violations.length} forbidden import(s)\n`);
  }
  process.exitCode = found.cycles.length || found.violations.length ? 1 : 0;
}

main();
