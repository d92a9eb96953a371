/**
 * Site profile: the file a site operator writes (JSON or YAML), validated with zod.
 * Keys carry their units (powerPriceUsdPerKWh, powerCapacityMW, ...). Every number may be given
 * bare (`0.04`) or with its source and date (`{value: 0.04, source: "...", date: "2024-07-09"}`);
 * the shipped examples in sites/ give a source and date for every number.
 *
 * Pure: parsing text and reading files happen in src/cli/profit.ts.
 */
import { z } from 'zod';
import { findAsic, REFERENCE_ASICS } from './asics.js';

const DATE_RE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

/** YYYY, YYYY-MM or YYYY-MM-DD naming a real calendar month/day (2026-13-45 is rejected). */
function isCalendarDate(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number) as [number, number | undefined, number | undefined];
  if (m === undefined) return true;
  if (m < 1 || m > 12) return false;
  if (d === undefined) return true;
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** A number with optional source and date, as stored in a profile. */
export interface ProfileNumber {
  value: number;
  source?: string;
  date?: string;
}

type Bound = { min?: number; max?: number; gt?: number; int?: boolean; why?: string };

function numberSchema(b: Bound) {
  const why = b.why ? ` (${b.why})` : '';
  let s = z.number({ error: (iss) => (iss.input === undefined ? 'is required' : `must be a finite number, got ${typeof iss.input === 'number' ? String(iss.input) : JSON.stringify(iss.input)}`) });
  if (b.int) s = s.int({ error: 'must be an integer' });
  if (b.gt !== undefined) s = s.gt(b.gt, { error: `must be > ${b.gt}${why}` });
  if (b.min !== undefined) s = s.min(b.min, { error: `must be ≥ ${b.min}${why}` });
  if (b.max !== undefined) s = s.max(b.max, { error: `must be ≤ ${b.max}${why}` });
  return s;
}

/** A profile number: bare, or {value, source, date}. */
function pnum(b: Bound) {
  return z.preprocess(
    (v) => (typeof v === 'number' ? { value: v } : v),
    z
      .object(
        {
          value: numberSchema(b),
          source: z.string().min(1, { error: 'source must not be empty' }).optional(),
          date: z.string().refine(isCalendarDate, { error: 'date must be a real date as YYYY, YYYY-MM or YYYY-MM-DD' }).optional(),
        },
        { error: (iss) => (iss.input === undefined ? 'is required' : 'must be a number or {value, source, date}') },
      )
      .strict(),
  );
}

const fraction = (why: string) => pnum({ min: 0, max: 1, why });
const price = pnum({ min: 0, why: 'a price cannot be negative' });
const pue = pnum({ min: 1, why: 'PUE = site power / IT power cannot be below 1' });

/** The site profile schema. */
export const siteProfileSchema = z
  .object(
    {
      name: z.string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a string') }).min(1),
      location: z.string().optional(),
      /** Date the profile's figures refer to. */
      asOf: z.string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a date string') }).refine(isCalendarDate, { error: 'must be a real date, YYYY-MM-DD' }),
      description: z.string().optional(),
      powerCapacityMW: pnum({ gt: 0, why: 'site capacity in MW' }),
      powerPriceUsdPerKWh: price,
      pue: z.object({ mining: pue, ai: pue }, { error: (iss) => (iss.input === undefined ? 'is required' : 'must be {mining, ai}') }).strict(),
      uptimeFraction: fraction('mining uptime is a fraction of time, 0..1').optional(),
      fixedOpexUsdPerMWYear: pnum({ min: 0, why: 'opex cannot be negative' }).optional(),
      gpu: z
        .object({
          name: z.string().optional(),
          powerW: pnum({ gt: 0, why: 'GPU board power in W' }).optional(),
          capexUsd: pnum({ min: 0, why: 'capex cannot be negative' }).optional(),
          depreciationYears: pnum({ gt: 0, why: 'depreciation life in years' }).optional(),
          serverOverheadFactor: pnum({ min: 1, why: 'server power / GPU power cannot be below 1' }).optional(),
        })
        .strict()
        .optional(),
      asic: z
        .object({
          model: z
            .string()
            .refine((m) => findAsic(m) !== undefined, { error: `unknown model; one of: ${REFERENCE_ASICS.map((a) => a.id).join(', ')}` }),
          capexUsd: pnum({ min: 0, why: 'capex cannot be negative' }).optional(),
          depreciationYears: pnum({ gt: 0, why: 'depreciation life in years' }).optional(),
        })
        .strict()
        .optional(),
      inference: z
        .object({
          usdPerMTok: price.optional(),
          usdPerGpuHour: price.optional(),
          utilizationFraction: fraction('utilization is a fraction of time, 0..1').optional(),
        })
        .strict()
        .optional(),
      market: z
        .object({
          btcPriceUsd: pnum({ gt: 0, why: 'BTC price in USD' }).optional(),
          difficulty: pnum({ gt: 0, why: 'network difficulty' }).optional(),
          feesPerBlockBtc: pnum({ min: 0, why: 'fees cannot be negative' }).optional(),
          poolFeeFraction: fraction('pool fee is a fraction of revenue, 0..1').optional(),
          heightBlocks: pnum({ min: 0, int: true, why: 'block height' }).optional(),
          difficultyGrowthPerMonth: pnum({ min: -0.5, max: 1, why: 'fraction per month' }).optional(),
          btcPriceGrowthPerMonth: pnum({ min: -0.5, max: 1, why: 'fraction per month' }).optional(),
        })
        .strict()
        .optional(),
      notes: z.array(z.string()).optional(),
    },
    { error: (iss) => (iss.input === undefined ? 'is required' : 'must be an object (a site profile)') },
  )
  .strict();

/** A validated site profile. */
export type SiteProfile = z.infer<typeof siteProfileSchema>;

/** Validate a parsed profile; returns the profile or a one-line error naming the field. */
export function validateSiteProfile(doc: unknown): { ok: true; profile: SiteProfile } | { ok: false; error: string } {
  const r = siteProfileSchema.safeParse(doc);
  if (r.success) return { ok: true, profile: r.data };
  const issue = r.error.issues[0];
  if (!issue) return { ok: false, error: 'invalid site profile' };
  const path = issue.path.map(String);
  if (path[path.length - 1] === 'value') path.pop();
  let msg = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys?: string[] }).keys ?? [];
    const where = path.length ? `${path.join('.')}.` : '';
    return { ok: false, error: `unknown field '${where}${keys[0] ?? '?'}' (check spelling and units in the key name)` };
  }
  return { ok: false, error: `field '${path.length ? path.join('.') : '(root)'}' ${msg}` };
}

/** Every number in a profile with its dotted path (for provenance checks and listings). */
export function profileNumbers(profile: SiteProfile): { field: string; num: ProfileNumber }[] {
  const out: { field: string; num: ProfileNumber }[] = [];
  const walk = (v: unknown, path: string[]) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o.value === 'number') {
        out.push({ field: path.join('.'), num: o as unknown as ProfileNumber });
        return;
      }
      for (const [k, x] of Object.entries(o)) walk(x, [...path, k]);
    }
  };
  walk(profile, []);
  return out;
}
