#!/usr/bin/env node
// List functions longer than a screen (issue 24: "no function over 80 lines in src/").
//
//   node scripts/long-functions.mjs [--max N] [--json] [--project tsconfig.json] [path-prefix ...]
//
// Parses the project (the package's tsconfig.json, or --project) with the TypeScript 7 compiler's
// own parser through its API (`typescript/unstable/sync`, which drives the installed tsgo binary;
// see https://github.com/microsoft/typescript-go, `_packages/api`) and reports every function-like
// node (function declarations and expressions, arrow functions, methods, constructors,
// accessors) whose source span, from its first token (JSDoc excluded) to its closing token,
// covers more than N lines (default 80). A nested function is counted on its own and inside its
// parent. Default scope: the project's src/; paths print relative to the project's directory.
// Exit 1 when something is listed (usable as a test), 2 on bad usage.
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SyntaxKind } from 'typescript/unstable/ast';
import { forEachSourceFile } from './ts-project.mjs';

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const FUNCTION_KINDS = new Set([
  SyntaxKind.FunctionDeclaration,
  SyntaxKind.FunctionExpression,
  SyntaxKind.ArrowFunction,
  SyntaxKind.MethodDeclaration,
  SyntaxKind.Constructor,
  SyntaxKind.GetAccessor,
  SyntaxKind.SetAccessor,
]);

function usage(message) {
  process.stderr.write(`long-functions: ${message}\nusage: node scripts/long-functions.mjs [--max N] [--json] [--project tsconfig.json] [path-prefix ...]\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { maxLines: 80, json: false, project: join(PACKAGE_ROOT, 'tsconfig.json'), prefixes: [] };
  const paths = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--max') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) usage(`--max '${argv[i] ?? ''}': give a whole number of lines >= 1`);
      opts.maxLines = n;
    } else if (a === '--project') {
      opts.project = resolve(argv[++i] ?? '');
      if (!argv[i] || !existsSync(opts.project)) usage(`--project '${argv[i] ?? ''}': no such tsconfig file`);
    } else if (a === '--help' || a === '-h') usage('lists functions longer than --max source lines');
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else {
      if (!existsSync(resolve(a))) usage(`${a}: no such file or directory`);
      paths.push(resolve(a));
    }
  }
  opts.root = dirname(opts.project);
  opts.prefixes = paths.length ? paths.map((p) => relative(opts.root, p)) : ['src'];
  return opts;
}

/** A readable name: the declared name, else what the function is assigned to, else its position. */
function functionName(node, sf) {
  const text = (n) => sf.text.slice(n.getStart(sf), n.end);
  const cls = (n) => {
    for (let p = n.parent; p; p = p.parent) {
      if ((p.kind === SyntaxKind.ClassDeclaration || p.kind === SyntaxKind.ClassExpression) && p.name) return `${text(p.name)}.`;
    }
    return '';
  };
  if (node.kind === SyntaxKind.Constructor) return `${cls(node)}constructor`;
  if (node.name) {
    const prefix = node.kind === SyntaxKind.GetAccessor ? 'get ' : node.kind === SyntaxKind.SetAccessor ? 'set ' : '';
    return `${prefix}${node.kind === SyntaxKind.FunctionDeclaration ? '' : cls(node)}${text(node.name)}`;
  }
  const p = node.parent;
  if (p && (p.kind === SyntaxKind.VariableDeclaration || p.kind === SyntaxKind.PropertyAssignment || p.kind === SyntaxKind.PropertyDeclaration) && p.name) return text(p.name);
  if (p && p.kind === SyntaxKind.CallExpression) {
    const callee = p.expression.kind === SyntaxKind.PropertyAccessExpression ? `….${text(p.expression.name)}` : text(p.expression).replace(/\s+/g, ' ').slice(0, 40);
    return `<callback of ${callee}()>`;
  }
  return '<anonymous>';
}

function longFunctions(sf, file, maxLines) {
  const found = [];
  const lineOf = (pos) => sf.getLineAndCharacterOfPosition(pos).line;
  const visit = (node) => {
    if (FUNCTION_KINDS.has(node.kind) && node.body) {
      const start = lineOf(node.getStart(sf));
      const lines = lineOf(node.end) - start + 1;
      if (lines > maxLines) found.push({ file, line: start + 1, name: functionName(node, sf), lines });
    }
    node.forEachChild(visit);
  };
  sf.forEachChild(visit);
  return found;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  let found = [];
  forEachSourceFile(opts.project, opts.root, (f) => opts.prefixes.some((p) => f === p || f.startsWith(`${p}/`)), (file, sf) => {
    found.push(...longFunctions(sf, file, opts.maxLines));
  });
  found = found.sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file) || a.line - b.line);
  if (opts.json) process.stdout.write(`${JSON.stringify({ maxLines: opts.maxLines, scope: opts.prefixes, functions: found }, null, 2)}\n`);
  else {
    for (const f of found) process.stdout.write(`${String(f.lines).padStart(4)}  ${f.file}:${f.line}  ${f.name}\n`);
    process.stdout.write(`${found.length} function(s) over ${opts.maxLines} lines in ${opts.prefixes.join(', ')}\n`);
  }
  process.exitCode = found.length ? 1 : 0;
}

main();
