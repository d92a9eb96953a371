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
import { OPEX_KINDS } from './defaults.js';
import { DEVICE_CLASSES } from './host-overhead.js';

const DATE_RE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

/** YYYY, YYYY-MM or YYYY-MM-DD naming a real calendar month/day (2026-13-45 is rejected). */
export function isCalendarDate(s: string): boolean {
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
const capex = pnum({ min: 0, max: 1e6, why: 'USD per device: capex cannot be negative, and above $1 M per device is a unit slip' });
const years = pnum({ gt: 0, max: 30, why: 'depreciation life in years' });
const pue = pnum({ min: 1, max: 3, why: 'PUE = site power / IT power, between 1 and 3' });
const growth = pnum({ min: -0.5, max: 1, why: 'fraction per month' });
const decline = pnum({ min: -1, max: 0.99, why: 'fraction per year (0.07 = −7 %/year)' });

/** A string choice, bare or with its source and date. */
function pchoice<T extends string>(values: readonly [T, ...T[]]) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? { value: v } : v),
    z
      .object(
        {
          value: z.enum(values, { error: `must be one of: ${values.join(', ')}` }),
          source: z.string().min(1).optional(),
          date: z.string().refine(isCalendarDate, { error: 'date must be a real date as YYYY, YYYY-MM or YYYY-MM-DD' }).optional(),
        },
        { error: `must be one of ${values.join(', ')} or {value, source, date}` },
      )
      .strict(),
  );
}

const nameField = (what: string) => z.string({ error: `must be a string naming ${what}` }).min(1, { error: `must name ${what}` });

/**
 * A price per million tokens says which model it prices: a measured
 * inference figure is priced with it only when the measured model is that model.
 */
const tokenPrice = z.preprocess(
  (v) => (typeof v === 'number' ? { value: v } : v),
  z
    .object(
      {
        value: numberSchema({ min: 0, max: 1000, why: 'USD per million tokens' }),
        /** The model this price is for, e.g. "Llama-3.1-8B-Instruct". */
        model: nameField('the model this price is for (e.g. Llama-3.1-8B-Instruct)').optional(),
        /** Its parameter count (8.03e9 for Llama-3.1-8B). */
        modelParameters: numberSchema({ gt: 0, max: 1e14, why: 'parameter count, e.g. 8.03e9' }).optional(),
        source: z.string().min(1, { error: 'source must not be empty' }).optional(),
        date: z.string().refine(isCalendarDate, { error: 'date must be a real date as YYYY, YYYY-MM or YYYY-MM-DD' }).optional(),
      },
      { error: 'must be a number or {value, model, modelParameters, source, date}' },
    )
    .strict(),
);

/** A GPU-hour price names the GPU it rents (defaults to gpu.name). */
const gpuHourPrice = z.preprocess(
  (v) => (typeof v === 'number' ? { value: v } : v),
  z
    .object(
      {
        value: numberSchema({ min: 0, max: 1000, why: 'USD per GPU-hour' }),
        /** The GPU this price rents, e.g. "NVIDIA H100 SXM" (default: gpu.name). */
        gpu: nameField('the GPU this price rents (e.g. NVIDIA H100 SXM)').optional(),
        source: z.string().min(1, { error: 'source must not be empty' }).optional(),
        date: z.string().refine(isCalendarDate, { error: 'date must be a real date as YYYY, YYYY-MM or YYYY-MM-DD' }).optional(),
      },
      { error: 'must be a number or {value, gpu, source, date}' },
    )
    .strict(),
);

/** One rung of the token-price ladder: a price and the model it is for (name and parameter count required). */
const ladderPrice = z
  .object(
    {
      value: numberSchema({ min: 0, max: 1000, why: 'USD per million tokens' }),
      model: nameField('the model this price is for (e.g. Llama-3.2-3B-Instruct)'),
      modelParameters: numberSchema({ gt: 0, max: 1e14, why: 'parameter count, e.g. 3.21e9' }),
      source: z.string().min(1, { error: 'source must not be empty' }).optional(),
      date: z.string().refine(isCalendarDate, { error: 'date must be a real date as YYYY, YYYY-MM or YYYY-MM-DD' }).optional(),
    },
    { error: 'must be {value, model, modelParameters, source, date}' },
  )
  .strict();

/** Opex of one use kind: fixed per MW of site power per year and a share of its sales revenue. */
const opexTerms = z
  .object(
    {
      fixedUsdPerMWYear: pnum({ min: 0, max: 1e8, why: 'USD per MW of site power per year' }).optional(),
      revenueFraction: pnum({ min: 0, max: 1, why: 'share of the use\'s sales revenue, 0..1' }).optional(),
    },
    { error: 'must be {fixedUsdPerMWYear, revenueFraction}' },
  )
  .strict();

/** Hourly power prices (a typical day, week or year): their shape, scaled to powerPriceUsdPerKWh. */
const priceProfile = z
  .object(
    {
      hourlyUsdPerKWh: z
        // Day-ahead prices go negative (Nordic SE1 does; the SDAC harmonised floor is −500 €/MWh,
        // ENTSO-E/NEMO Committee HMMCP methodology): −1 USD/kWh is below any cleared price.
        .array(numberSchema({ min: -1, max: 5, why: 'USD per kWh (negative hours allowed, down to −1)' }), { error: 'must be a list of hourly prices in USD/kWh' })
        .refine((a) => [24, 168, 8760].includes(a.length), { error: 'must hold 24 (a day), 168 (a week) or 8760 (a year) hourly prices' })
        .refine((a) => a.reduce((x, y) => x + y, 0) > 0, { error: 'must have a mean above 0 (the shape is scaled so its mean is powerPriceUsdPerKWh)' }),
      source: z.string().min(1, { error: 'source must not be empty' }).optional(),
      date: z.string().refine(isCalendarDate, { error: 'date must be a real date as YYYY, YYYY-MM or YYYY-MM-DD' }).optional(),
    },
    { error: 'must be {hourlyUsdPerKWh: [...], source, date}' },
  )
  .strict();

const req = (what: string) => ({ error: (iss: { input: unknown }) => (iss.input === undefined ? 'is required' : `must be ${what}`) });

/** The site profile schema. */
export const siteProfileSchema = z
  .object(
    {
      name: z.string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a string') }).min(1),
      location: z.string().optional(),
      /** Date the profile's figures refer to. */
      asOf: z.string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a date string') }).refine(isCalendarDate, { error: 'must be a real date, YYYY-MM-DD' }),
      description: z.string().optional(),
      powerCapacityMW: pnum({ gt: 0, max: 20_000, why: 'site capacity in MW' }),
      powerPriceUsdPerKWh: pnum({ min: 0, max: 5, why: 'USD per kWh: a price cannot be negative, and above 5 is likely USD/MWh' }),
      pue: z.object({ mining: pue, ai: pue }, req('{mining, ai}')).strict(),
      uptimeFraction: fraction('mining uptime (availability) is a fraction of time, 0..1').optional(),
      /** Uptime the AI hall and leases sell (firm capacity), e.g. Tier III 0.99982. */
      slaUptimeFraction: fraction('SLA uptime is a fraction of time, 0..1').optional(),
      fixedOpexUsdPerMWYear: pnum({ min: 0, max: 1e8, why: 'opex per MW-year cannot be negative' }).optional(),
      gpu: z
        .object({
          /** The GPU the site's GPU capex, rated power and GPU-hour price are for. */
          name: nameField('the GPU (e.g. NVIDIA H100 SXM)').optional(),
          powerW: pnum({ gt: 0, max: 5000, why: 'rated GPU board power in W' }).optional(),
          capexUsd: capex.optional(),
          serverCapexUsd: capex.optional(),
          depreciationYears: years.optional(),
          serverOverheadFactor: pnum({ min: 1, max: 5, why: 'server power / GPU power, between 1 and 5' }).optional(),
          /** How the GPU is hosted, for the host overhead when serverOverheadFactor is not given. */
          deviceClass: pchoice(DEVICE_CLASSES).optional(),
          /** Network and storage power as a share of the AI hall's critical IT. */
          networkStorageShareOfCriticalIT: pnum({ min: 0, max: 0.5, why: 'share of critical IT, 0..0.5' }).optional(),
        }, req('{name, powerW, capexUsd, serverCapexUsd, depreciationYears, serverOverheadFactor, deviceClass, networkStorageShareOfCriticalIT}'))
        .strict()
        .optional(),
      asic: z
        .object({
          model: z
            .string()
            .refine((m) => findAsic(m) !== undefined, { error: `unknown model; one of: ${REFERENCE_ASICS.map((a) => a.id).join(', ')}` }),
          capexUsd: capex.optional(),
          depreciationYears: years.optional(),
        }, req('{model, capexUsd, depreciationYears}'))
        .strict()
        .optional(),
      inference: z
        .object({
          usdPerMTok: tokenPrice.optional(),
          usdPerGpuHour: gpuHourPrice.optional(),
          utilizationFraction: fraction('utilization is a fraction of time, 0..1').optional(),
          utilizationRampMonths: pnum({ min: 0, max: 120, why: 'months to reach the utilization' }).optional(),
          /** Token prices for a ladder of public models (≈1B, 3B, 8B, 70B): a measured model is priced at its own rung. */
          tokenPrices: z.array(ladderPrice, { error: 'must be a list of {value, model, modelParameters, source, date}' }).min(1, { error: 'must list at least one price' }).optional(),
        }, req('{usdPerMTok, usdPerGpuHour, utilizationFraction, utilizationRampMonths, tokenPrices}'))
        .strict()
        .optional(),
      /** Colocation lease of the AI hall (use "hosting-lease"). */
      hosting: z
        .object({
          leaseUsdPerKwMonth: pnum({ min: 0, max: 10_000, why: 'USD per kW of IT per month' }).optional(),
          loadFraction: fraction('average draw as a fraction of the contracted power, 0..1').optional(),
          powerPaidBy: pchoice(['site', 'tenant'] as const).optional(),
          retrofitCapexUsdPerMW: pnum({ min: 0, max: 1e9, why: 'USD per MW of IT' }).optional(),
          retrofitYears: pnum({ gt: 0, max: 50, why: 'years' }).optional(),
          /** The lease's own retrofit (default retrofitCapexUsdPerMW): a tenant that funds its fit-out needs less. */
          leaseRetrofitCapexUsdPerMW: pnum({ min: 0, max: 1e9, why: 'USD per MW of IT' }).optional(),
        }, req('{leaseUsdPerKwMonth, loadFraction, powerPaidBy, retrofitCapexUsdPerMW, retrofitYears, leaseRetrofitCapexUsdPerMW}'))
        .strict()
        .optional(),
      /** Grid curtailment / demand response: interruptible uses (mining) stop and earn a credit. */
      curtailment: z
        .object({
          hoursPerYear: pnum({ min: 0, max: 8760, why: 'hours per year' }),
          creditUsdPerMWh: pnum({ min: 0, max: 100_000, why: 'USD per MWh not drawn' }),
        }, req('{hoursPerYear, creditUsdPerMWh}'))
        .strict()
        .optional(),
      /** Cost of capital and project terms. */
      finance: z
        .object({
          discountRate: pnum({ min: 0, max: 1, why: 'fraction per year (0.10 = 10 %)' }).optional(),
          /** Hurdle rate per use kind (asic-mining, gpu-mining, gpu-inference, gpu-rental, hosting-lease); kinds left out take discountRate. */
          discountRateByKind: z
            .partialRecord(z.enum(OPEX_KINDS, { error: `must be one of: ${OPEX_KINDS.join(', ')}` }), pnum({ min: 0, max: 1, why: 'fraction per year (0.15 = 15 %)' }), req(`a map of use kind to a rate (kinds: ${OPEX_KINDS.join(', ')})`))
            .optional(),
          capexBudgetUsd: pnum({ min: 0, max: 1e12, why: 'USD for the whole site' }).optional(),
          constructionMonths: pnum({ min: 0, max: 120, int: true, why: 'whole months an AI-hall use is built before it earns' }).optional(),
          asicResaleFraction: fraction('ASIC resale at the switch as a fraction of its capex, 0..1').optional(),
          asicResaleDeclinePerYear: fraction('fall of the ASIC fleet\'s resale over the coming year, 0..1').optional(),
          gpuResaleFraction: fraction('GPU card resale at the end of its life as a fraction of its capex, 0..1').optional(),
          powerSaleUsdPerKWh: pnum({ min: 0, max: 5, why: 'USD per kWh the site gets for energy its miners do not draw' }).optional(),
        }, req('{discountRate, discountRateByKind, capexBudgetUsd, constructionMonths, asicResaleFraction, asicResaleDeclinePerYear, gpuResaleFraction, powerSaleUsdPerKWh}'))
        .strict()
        .optional(),
      /** Opex per use kind (asic-mining, gpu-mining, gpu-inference, gpu-rental, hosting-lease). */
      opex: z.partialRecord(z.enum(OPEX_KINDS, { error: `must be one of: ${OPEX_KINDS.join(', ')}` }), opexTerms, req(`a map of use kind to {fixedUsdPerMWYear, revenueFraction} (kinds: ${OPEX_KINDS.join(', ')})`)).optional(),
      /** Hourly power price profile: miners run only in hours their revenue beats the price. */
      powerPriceProfile: priceProfile.optional(),
      market: z
        .object({
          btcPriceUsd: pnum({ gt: 0, max: 1e8, why: 'BTC price in USD' }).optional(),
          difficulty: pnum({ gt: 0, max: 1e18, why: 'network difficulty' }).optional(),
          feesPerBlockBtc: pnum({ min: 0, max: 50, why: 'BTC per block' }).optional(),
          poolFeeFraction: fraction('pool fee is a fraction of revenue, 0..1').optional(),
          heightBlocks: pnum({ min: 0, max: 1e8, int: true, why: 'block height' }).optional(),
          difficultyGrowthPerMonth: growth.optional(),
          btcPriceGrowthPerMonth: growth.optional(),
          feesGrowthPerMonth: growth.optional(),
          tokenPriceDeclinePerYear: decline.optional(),
          gpuHourPriceDeclinePerYear: decline.optional(),
        }, req('{btcPriceUsd, difficulty, feesPerBlockBtc, poolFeeFraction, heightBlocks, difficultyGrowthPerMonth, btcPriceGrowthPerMonth, feesGrowthPerMonth, tokenPriceDeclinePerYear, gpuHourPriceDeclinePerYear}'))
        .strict()
        .optional(),
      notes: z.array(z.string()).optional(),
    },
    { error: (iss) => (iss.input === undefined ? 'is required' : 'must be an object (a site profile)') },
  )
  .strict()
  .superRefine((p, ctx) => {
    // A price says what it prices: GPU prices name their GPU, a token price its model.
    const gpuNamed = Boolean(p.gpu?.name);
    for (const k of ['capexUsd', 'serverCapexUsd', 'powerW'] as const) {
      if (p.gpu?.[k] && !gpuNamed) ctx.addIssue({ code: 'custom', path: ['gpu', 'name'], message: `is required with gpu.${k}: name the GPU this figure is for (e.g. NVIDIA H100 SXM)` });
    }
    if (p.inference?.usdPerGpuHour && !p.inference.usdPerGpuHour.gpu && !gpuNamed) {
      ctx.addIssue({ code: 'custom', path: ['inference', 'usdPerGpuHour', 'gpu'], message: 'is required: name the GPU this price rents (or set gpu.name)' });
    }
    const tp = p.inference?.usdPerMTok;
    if (tp && (!tp.model || tp.modelParameters === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['inference', 'usdPerMTok', tp.model ? 'modelParameters' : 'model'], message: 'is required: a token price names its model and parameter count (e.g. model: Llama-3.1-8B-Instruct, modelParameters: 8.03e9)' });
    }
  });

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
