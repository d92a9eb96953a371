/**
 * Reference Bitcoin ASICs, so GPU mining, ASIC mining and GPU inference sit side by side per MW.
 * Manufacturer nameplate figures (at the wall, typical ±5–10% tolerance), each with its source
 * and date.
 * Unit price is not listed per model: capex defaults to DEFAULTS.asicCapexUsdPerTH × TH/s.
 */

/** One reference ASIC model. */
export interface AsicSpec {
  /** Stable id used in site files (`asic.model`). */
  id: string;
  vendor: string;
  model: string;
  /** Nameplate hashrate, TH/s. */
  hashrateTHs: number;
  /** Nameplate wall power, W. */
  powerW: number;
  /** Cooling: air, hydro (water), immersion. */
  cooling: 'air' | 'hydro' | 'immersion';
  source: string;
  /** When the spec was published (launch/review date). */
  date: string;
  note?: string;
}

/** Efficiency in J/TH (= W per TH/s). */
export function asicJPerTH(a: AsicSpec): number {
  return a.powerW / a.hashrateTHs;
}

/** The shipped table. */
export const REFERENCE_ASICS: readonly AsicSpec[] = [
  {
    id: 'antminer-s21',
    vendor: 'Bitmain',
    model: 'Antminer S21',
    hashrateTHs: 200,
    powerW: 3500, // 17.5 J/TH × 200 TH/s
    cooling: 'air',
    source: 'BTCWire S21 review (hackernoon.com); tech4u.app: 200 TH/s at 17.5 J/TH',
    date: '2023',
  },
  {
    id: 'antminer-s21-xp',
    vendor: 'Bitmain',
    model: 'Antminer S21 XP',
    hashrateTHs: 270,
    powerW: 3645, // 13.5 J/TH × 270 TH/s
    cooling: 'air',
    source: 'btcminermarketplace.com "how to calculate ROI for bitcoin miner S21 XP": 270 TH/s, 13.5 J/TH ±5% at the wall',
    date: '2024',
  },
  {
    id: 'antminer-s21plus-hydro',
    vendor: 'Bitmain',
    model: 'Antminer S21+ Hydro',
    hashrateTHs: 319,
    powerW: 4785,
    cooling: 'hydro',
    source: 'top-crypto-mining-asics.com/?p=4692: 319 TH/s at 4,785 W; HIVE bought 13,480 for Paraguay (Decrypt via chaindeek)',
    date: '2025',
  },
  {
    id: 'whatsminer-m60',
    vendor: 'MicroBT',
    model: 'Whatsminer M60',
    hashrateTHs: 170,
    powerW: 3264, // 19.2 J/TH × 170 TH/s
    cooling: 'air',
    source: 'tech4u.app (MicroBT Dubai launch): 162–170 TH/s at 19.2 J/TH',
    date: '2023',
    note: 'top of the 162–170 TH/s range',
  },
  {
    id: 'whatsminer-m60s',
    vendor: 'MicroBT',
    model: 'Whatsminer M60S',
    hashrateTHs: 186,
    powerW: 3255, // 17.5 J/TH × 186 TH/s
    cooling: 'air',
    source: 'tech4u.app (MicroBT Dubai launch): 178–186 TH/s at 17.5 J/TH',
    date: '2023',
    note: 'top of the 178–186 TH/s range',
  },
  {
    id: 'whatsminer-m66s-plus',
    vendor: 'MicroBT',
    model: 'Whatsminer M66S+',
    hashrateTHs: 314,
    powerW: 5338,
    cooling: 'immersion',
    source: 'top-crypto-mining-asics.com "how to calculate the ROI of Whatsminer M66S+": 314 TH/s at 5,338 W',
    date: '2024',
  },
];

/** Look up a reference ASIC by id (case-insensitive); undefined when unknown. */
export function findAsic(id: string): AsicSpec | undefined {
  const k = id.toLowerCase();
  return REFERENCE_ASICS.find((a) => a.id === k);
}
