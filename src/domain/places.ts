import { iso31661, iso31662 } from 'iso-3166'
import type { Jurisdiction } from './jurisdiction.js'

/**
 * The built-in jurisdictions: every ISO 3166-1 country, and the first-level divisions of the US
 * (states, DC, territories), Canada and Australia from ISO 3166-2, as published by the `iso-3166`
 * package (wooorm/iso-3166, kept in step with the ISO Online Browsing Platform). Counties and
 * cities come from the curated dataset.
 */

/** ISO's formal short names where a shorter common name is what users search for. */
const COMMON_NAMES: Record<string, string> = {
  US: 'United States',
  GB: 'United Kingdom',
  RU: 'Russia',
  KR: 'South Korea',
  KP: 'North Korea',
  VN: 'Vietnam',
  IR: 'Iran',
  SY: 'Syria',
  LA: 'Laos',
  MD: 'Moldova',
  BO: 'Bolivia',
  VE: 'Venezuela',
  TZ: 'Tanzania',
  TW: 'Taiwan',
  NL: 'Netherlands',
  CZ: 'Czechia',
}

/** Countries whose first-level divisions are built in, and the OCD type of each kind of division. */
const DIVISIONS: Record<string, { ocdType: (code: string) => string }> = {
  US: {
    ocdType: (c) =>
      c === 'DC' ? 'district' : ['AS', 'GU', 'MP', 'PR', 'UM', 'VI'].includes(c) ? 'territory' : 'state',
  },
  CA: { ocdType: (c) => (['NT', 'NU', 'YT'].includes(c) ? 'territory' : 'province') },
  AU: { ocdType: (c) => (['ACT', 'NT'].includes(c) ? 'territory' : 'state') },
}

/** Returns the built-in jurisdictions, parents before children. */
export function builtinJurisdictions(): Jurisdiction[] {
  const countries: Jurisdiction[] = iso31661.map((c) => ({
    code: c.alpha2,
    name: COMMON_NAMES[c.alpha2] ?? c.name,
    level: 'country',
    parent: null,
    ocd_id: `ocd-division/country:${c.alpha2.toLowerCase()}`,
  }))
  const divisions: Jurisdiction[] = iso31662
    .filter((s) => s.parent in DIVISIONS)
    .map((s) => {
      const local = s.code.slice(s.parent.length + 1)
      const type = DIVISIONS[s.parent]!.ocdType(local)
      return {
        code: s.code,
        name: s.name,
        level: 'state',
        parent: s.parent,
        ocd_id: `ocd-division/country:${s.parent.toLowerCase()}/${type}:${local.toLowerCase()}`,
      }
    })
  return [...countries, ...divisions]
}
