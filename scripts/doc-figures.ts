/**
 * The figures README.md and models/README.md quote, and where each comes from (used by
 * test/docs/docs-figures.test.ts, which fails on a figure without a source or one that disagrees
 * with it).
 *
 *   node --import tsx scripts/doc-figures.ts --write   fill every figure link's text from its source
 *   node --import tsx scripts/doc-figures.ts           list the figure links and their sources
 *
 * `--write` also re-renders each command output marked `<!-- figures: run-summary <file> -->`
 * from its result file, and prints each link's source value at the precision its text already shows (a `?` text
 * gets three significant digits, whole numbers in full, integers as integers), so a writer adds a figure as `[?](bench/out/x.json#/a/b)` and
 * lets this fill it in.
 *
 * A measured figure is quoted as a link to its committed source with an RFC 6901 JSON Pointer as
 * the fragment (RFC 6901 §6: a pointer in a URI fragment), e.g.
 *   [34.19](bench/out/hash-peers.json#/joulebench/medianMHps)
 *   [36.1](results/examples/llvmpipe-no-meter.json#/measurements/0/metrics/hashesPerSecond/value "H/s × 1e-6")
 * The link text is the number as printed; the optional title's `× <factor>` scales the source
 * value to the printed unit (× 1e-6 for H/s → MH/s, × 100 for a fraction → %). A printed number
 * is the source value rounded to the digits shown (trailing zeros of an integer, as in 197,800,
 * are not significant).
 *
 * Claims of a measurement without such a link are found by a lint: a number with a unit of time,
 * rate, size or share (s, ms, MH/s, tok/s, %, MiB, rounds, ×) in a paragraph, list item or table
 * row that says it was measured (measured, took, ran, saw, observed, peaks, reached, spread,
 * median, simulated, "on this machine", a date), and every number in a table whose header names a
 * rate, outside links and code spans.
 */
import { posix } from 'node:path';

/** A block of a Markdown document: a paragraph, a list item, a table row or a code block. */
export interface Block {
  doc: string;
  /** 1-based line of the block's first line. */
  line: number;
  kind: 'prose' | 'table-row' | 'code';
  text: string;
  /** Headings above the block, outermost first. */
  headings: string[];
  /** The header row of the table a row belongs to. */
  tableHeader?: string;
  /** The HTML comment on the line before a code block (`<!-- figures: … -->`). */
  marker?: string;
}

/** Split Markdown into blocks (enough of CommonMark for these documents). */
export function parseBlocks(md: string, doc: string): Block[] {
  const lines = md.split('\n');
  const blocks: Block[] = [];
  const headings: string[] = [];
  let cur: Block | null = null;
  let table: string | undefined;
  const flush = () => {
    if (cur) blocks.push(cur);
    cur = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (/^```/.test(l)) {
      flush();
      const start = i;
      const marker = /^<!--\s*(figures:.*?)\s*-->\s*$/.exec(lines[i - 1] ?? '')?.[1];
      const body: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
      blocks.push({ doc, line: start + 1, kind: 'code', text: body.join('\n'), headings: [...headings], ...(marker ? { marker } : {}) });
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(l);
    if (h) {
      flush();
      headings.length = h[1]!.length - 1;
      headings[h[1]!.length - 1] = h[2]!.trim();
      continue;
    }
    if (/^\s*\|/.test(l)) {
      flush();
      const prev = lines[i - 1] ?? '';
      if (!/^\s*\|/.test(prev)) table = l;
      if (/^\s*\|[\s:|-]+\|\s*$/.test(l) || l === table) continue;
      blocks.push({ doc, line: i + 1, kind: 'table-row', text: l, headings: [...headings], tableHeader: table });
      continue;
    }
    if (l.trim() === '' || /^\s*<!--.*-->\s*$/.test(l)) {
      flush();
      continue;
    }
    if (/^\s*([-*]|\d+\.)\s/.test(l) || /^>/.test(l)) flush();
    if (cur) (cur as Block).text += `\n${l}`;
    else cur = { doc, line: i + 1, kind: 'prose', text: l, headings: [...headings] };
  }
  flush();
  return blocks;
}

/** A figure link in a block. */
export interface FigureLink {
  block: Block;
  text: string;
  /** The source file, relative to the repository root (link targets are relative to their document). */
  file: string;
  pointer: string;
  scale: number;
}

const LINK = /\[([^\]]*)\]\(([^)\s]+)(?:\s+"([^"]*)")?\)/g;

/** Links whose target is a committed JSON file with a pointer fragment. */
export function figureLinks(block: Block): FigureLink[] {
  const out: FigureLink[] = [];
  // A link inside a code span is an example, not a figure.
  for (const m of block.text.replace(/`[^`]*`/g, (all) => ' '.repeat(all.length)).matchAll(LINK)) {
    const [, text, target, title] = m;
    const hash = target!.indexOf('#/');
    if (/^[a-z]+:/i.test(target!) || hash < 0 || !target!.slice(0, hash).endsWith('.json')) continue;
    const scale = title ? /×\s*([0-9.eE+-]+)/.exec(title)?.[1] : undefined;
    out.push({ block, text: text!, file: posix.normalize(posix.join(posix.dirname(block.doc), target!.slice(0, hash))), pointer: decodeURIComponent(target!.slice(hash + 1)), scale: scale ? Number(scale) : 1 });
  }
  return out;
}

/** Resolve an RFC 6901 JSON Pointer (`/a/0/b`, `~1` = `/`, `~0` = `~`). */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  let v: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (v === null || typeof v !== 'object' || !(key in (v as object))) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** The number a link text prints and how far from it the source may be (half the last digit shown). */
export function shownNumber(text: string): { value: number; tolerance: number } | null {
  const m = /[-−]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?/i.exec(text);
  if (!m) return null;
  const s = m[0].replace(/,/g, '').replace('−', '-');
  const value = Number(s);
  const dec = /\.(\d+)/.exec(s)?.[1]?.length ?? 0;
  const trailingZeros = dec === 0 ? (/(0*)$/.exec(s.replace(/^-/, ''))?.[1]?.length ?? 0) : 0;
  const unit = dec > 0 ? 10 ** -dec : 10 ** Math.min(trailingZeros, Math.max(0, s.replace(/^-/, '').length - 1));
  return { value, tolerance: unit / 2 };
}

/** `x` printed with `decimals` decimals, thousands separated from 10,000 up (the documents' style). */
export function formatFigure(x: number, decimals: number): string {
  const s = Math.abs(x).toFixed(Math.max(0, decimals));
  const [int, frac] = s.split('.') as [string, string | undefined];
  const grouped = Math.abs(x) >= 10_000 ? int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : int;
  return `${x < 0 ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`;
}

/** The text a figure link should print for `value`, at the precision `text` shows (`?`: 3 significant digits, whole numbers in full). */
export function figureText(text: string, value: number): string {
  const m = /[-−]?\d[\d,]*(?:\.\d+)?/.exec(text);
  const digits = (d: number) => Math.max(0, d - 1 - Math.floor(Math.log10(Math.abs(value) || 1)));
  if (!m) return text.replace('?', formatFigure(value, Number.isInteger(value) ? 0 : digits(3)));
  const plain = m[0].replace(/,/g, '').replace('−', '-');
  const dec = /\.(\d+)/.exec(plain)?.[1]?.length;
  let shown: string;
  if (dec !== undefined) shown = formatFigure(value, dec);
  else {
    // An integer keeps its significant digits (197,800: four); trailing zeros stay zeros.
    const sig = plain.replace(/^-/, '').replace(/0+$/, '').length || 1;
    const p = 10 ** Math.max(0, Math.floor(Math.log10(Math.abs(value) || 1)) + 1 - sig);
    shown = formatFigure(Math.round(value / p) * p, 0);
  }
  return text.slice(0, m.index) + shown + text.slice(m.index + m[0].length);
}

/**
 * Fill every figure link's text of a Markdown document from its source (`read(file)` → parsed
 * JSON, `file` relative to the repository root; `doc` is the document's own path from there).
 */
export function fillFigures(md: string, doc: string, read: (file: string) => unknown): string {
  return md.replace(LINK, (all, text: string, target: string, title: string | undefined) => {
    const hash = target.indexOf('#/');
    if (/^[a-z]+:/i.test(target) || hash < 0 || !target.slice(0, hash).endsWith('.json')) return all;
    let source: unknown;
    try {
      source = read(posix.normalize(posix.join(posix.dirname(doc), target.slice(0, hash))));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return all; // not measured yet: the test says so
      throw e;
    }
    const v = resolvePointer(source, decodeURIComponent(target.slice(hash + 1)));
    if (typeof v !== 'number') throw new Error(`${target}: the pointer gives ${JSON.stringify(v)}, not a number`);
    const scale = title ? Number(/×\s*([0-9.eE+-]+)/.exec(title)?.[1] ?? 1) : 1;
    return `[${figureText(text, v * scale)}](${target}${title !== undefined ? ` "${title}"` : ''})`;
  });
}

const CLAIM = /\b(measured|measuring|took|takes|ran|runs took|saw|seen|observed|peaks?|reached|spread|medians?|simulated|simulations?|on this (?:machine|VM|CPU)|as built here|here:)\b|\b20\d\d-\d\d-\d\d\b/i;
const UNIT = /(?<![\w.$-])(\d[\d,]*(?:\.\d+)?)\s?(MH\/s|GH\/s|kH\/s|H\/s|ktok\/s|tok\/s|t\/s|tokens\/s|ms|µs|us|s|min|minutes?|hours?|%|MB|MiB|GB|GiB|KiB|rounds?|×)(?![\w/])/g;
const RATE_HEADER = /MH\/s|tok\/s|t\/s|H\/s|tokens\/s|\bms\b|RSS|\bs\)/;

/** The block's text with links and code spans blanked (what the lint reads). */
function lintText(block: Block): string {
  return block.text.replace(LINK, (all) => ' '.repeat(all.length)).replace(/`[^`]*`/g, (all) => ' '.repeat(all.length));
}

/** Numbers that look like measurement claims but have no source link. */
export function unsourcedClaims(block: Block): string[] {
  if (block.kind === 'code') return [];
  const text = lintText(block);
  if (block.kind === 'table-row' && block.tableHeader && RATE_HEADER.test(block.tableHeader)) {
    const cells = text.split('|').slice(2, -1); // the first cell names the row
    return cells.flatMap((c) => [...c.matchAll(/(?<![\w.×])\d[\d,]*(?:\.\d+)?/g)].map((m) => m[0]));
  }
  if (!CLAIM.test(text)) return [];
  return [...text.matchAll(UNIT)].map((m) => `${m[1]} ${m[2]}`);
}

/** Re-render each code block marked `<!-- figures: run-summary <file> -->` from its result file. */
async function renderSummaries(md: string, root: string): Promise<string> {
  const { formatRunSummary } = await import('../src/cli/run.js');
  const { readResult } = await import('../src/results/files.js');
  const { join } = await import('node:path');
  return md.replace(/(<!--\s*figures:\s*run-summary\s+(\S+)\s*-->\n```\n)[\s\S]*?(\n```)/g, (_all, head: string, file: string, tail: string) => {
    const text = formatRunSummary(readResult(join(root, file)), null, file).replace(/^\n+|\n+$/g, '');
    return `${head}${text}${tail}`;
  });
}

/** CLI: list the figure links of the documents, or fill them in (`--write`). */
async function main(): Promise<void> {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const root = join(import.meta.dirname, '..');
  const read = (f: string) => JSON.parse(readFileSync(join(root, f), 'utf8')) as unknown;
  for (const doc of ['README.md', 'models/README.md']) {
    const md = readFileSync(join(root, doc), 'utf8');
    if (process.argv.includes('--write')) {
      const out = await renderSummaries(fillFigures(md, doc, read), root);
      if (out !== md) writeFileSync(join(root, doc), out);
      process.stderr.write(`${doc}: ${out === md ? 'unchanged' : 'figures filled from their sources'}\n`);
    } else {
      for (const b of parseBlocks(md, doc)) for (const l of figureLinks(b)) process.stdout.write(`${doc}:${b.line}\t${l.text}\t${l.file}#${l.pointer}\n`);
    }
  }
}

if (process.argv[1]?.endsWith('doc-figures.ts') || process.argv[1]?.endsWith('doc-figures.js')) await main();
