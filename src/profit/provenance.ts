/**
 * Where each number in a profit report came from. Every input carries one of these, and the
 * report prints it next to the value: a measured figure (result file + JSON path), a site file
 * field (with the source and date written in the file), a command-line flag, or a shipped
 * default (with its published source and date).
 */

/** Origin of one input number. */
export type Provenance =
  | { kind: 'measured'; file: string; path: string }
  /** Declared watts stored in a result file (--watts): never a measurement. */
  | { kind: 'declared'; file: string; path: string }
  | { kind: 'site'; file: string; field: string; source?: string; date?: string }
  | { kind: 'flag'; flag: string }
  | { kind: 'default'; source: string; date: string }
  | { kind: 'derived'; from: string[]; note?: string };

/** A number with its unit and origin. */
export interface Sourced<T = number> {
  value: T;
  unit: string;
  provenance: Provenance;
}

/** One-line human description of a provenance, for tables. */
export function describeProvenance(p: Provenance): string {
  switch (p.kind) {
    case 'measured':
      return `measured: ${p.file} ${p.path}`;
    case 'declared':
      return `declared watts (not measured): ${p.file} ${p.path}`;
    case 'site': {
      const src = [p.source, p.date].filter(Boolean).join(', ');
      return `site file ${p.file} ${p.field}${src ? ` (${src})` : ' (no source given)'}`;
    }
    case 'flag':
      return `flag ${p.flag}`;
    case 'default':
      return `default (${p.source}, ${p.date})`;
    case 'derived':
      return `derived from ${p.from.join(', ')}${p.note ? ` (${p.note})` : ''}`;
  }
}

/** Build a Sourced value. */
export function sourced<T>(value: T, unit: string, provenance: Provenance): Sourced<T> {
  return { value, unit, provenance };
}
