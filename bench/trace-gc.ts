/**
 * Count V8 garbage collections from `node --trace-gc` output (V8's --trace-gc line format, e.g.
 * "[1234:0x5555] 290 ms: Mark-Compact 16.7 (27.7) -> 13.5 (31.4) MB, 4.41 / 0.18 ms  (…) …"),
 * used by bench/infer-bare-loop.ts to show what collections a process paid.
 */

/** Collections by kind with their summed pauses (the first of V8's "x / y ms" figures: the pause). */
export interface GcCensus {
  markCompacts: number;
  markCompactPauseMs: number;
  scavenges: number;
  scavengePauseMs: number;
}

/** Collections counted from `node --trace-gc` lines ("[pid:0x…] 123 ms: Scavenge 4.1 (5.2) -> 3.4 (6.2) MB, 0.59 / 0.01 ms …"). */
export function gcCensus(out: string): GcCensus {
  const c = { markCompacts: 0, markCompactPauseMs: 0, scavenges: 0, scavengePauseMs: 0 };
  for (const line of out.split('\n')) {
    const m = /^\[\d+:0x[0-9a-f]+\]\s+\d+ ms: (Mark-Compact|Scavenge|Mark-Compact \(reduce\))\b.*?MB, ([\d.]+) \/ [\d.]+ ms/.exec(line);
    if (!m) continue;
    if (m[1]!.startsWith('Mark-Compact')) {
      c.markCompacts++;
      c.markCompactPauseMs += Number(m[2]);
    } else {
      c.scavenges++;
      c.scavengePauseMs += Number(m[2]);
    }
  }
  return c;
}

