import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { geoAlbersUsa, geoEqualEarth, geoPath, type GeoPermissibleObjects } from 'd3-geo'
import { iso31661NumericToAlpha2 } from 'iso-3166'
import { feature } from 'topojson-client'
import type { GeometryCollection, Topology } from 'topojson-specification'
import { FIPS_TO_USPS, type Status } from '../domain/index.js'
import { html, raw, type Html } from './html.js'
import { STATUS_LOOK, statusClass } from './status-style.js'

/**
 * Server-side SVG maps from maintained shapes: US states from us-atlas (`states-albers-10m`,
 * already projected to a 975×610 Albers USA frame) and countries from world-atlas
 * (`countries-110m`, projected here with Equal Earth). Shapes are projected once per process;
 * each render only sets the status class, label and link of every region.
 */

/** A region ready to draw: its jurisdiction code (null when the shape has no ISO code), name and path. */
interface Shape {
  code: string | null
  name: string
  d: string
  label: { x: number; y: number } | null
}

/** What a region shows: its status and the words read out for it. */
export interface RegionStatus {
  status: Status
  /** For an unknown answer: the most severe status known to apply. */
  atLeast?: Status | null
  /** Low confidence or no official source: drawn with a dotted outline and said in the title. */
  unconfirmed?: boolean
  /** Short extra text, e.g. "21+". */
  note?: string
}


/** A d3 path context writing compact SVG path data: integer coordinates, relative segments, no repeated points. */
function compactPathContext(scale = 1) {
  let out = ''
  let px = 0
  let py = 0
  let segments = 0
  const sep = (n: number) => (n < 0 ? '' : ' ')
  return {
    beginPath() {},
    moveTo(x: number, y: number) {
      px = Math.round(x * scale)
      py = Math.round(y * scale)
      out += `M${px} ${py}`
      segments = 0
    },
    lineTo(x: number, y: number) {
      const nx = Math.round(x * scale)
      const ny = Math.round(y * scale)
      const dx = nx - px
      const dy = ny - py
      if (!dx && !dy) return
      out += (segments ? sep(dx) : 'l') + dx + sep(dy) + dy
      px = nx
      py = ny
      segments++
    },
    closePath() {
      out += 'z'
      segments = 0
    },
    arc() {},
    take(): string {
      const d = out
      out = ''
      return d
    },
  }
}

const require = createRequire(import.meta.url)
function readTopology(specifier: string): Topology {
  return JSON.parse(readFileSync(require.resolve(specifier), 'utf8')) as Topology
}

/** US maps are 975×610 (us-atlas' frame); the world map is 960×470. */
export const US_SIZE = { width: 975, height: 610 }
export const WORLD_SIZE = { width: 960, height: 470 }

let usShapes: Shape[] | undefined
let worldShapes: { shapes: Shape[]; sphere: string } | undefined

/** Label only states large enough to hold one (area in squared frame units). */
const MIN_LABEL_AREA = 900
/** Vermont's and New Hampshire's centroids are too close for two labels: move them apart. */
const LABEL_NUDGE: Record<string, [number, number]> = { 'US-VT': [-7, -10], 'US-NH': [9, 8] }

function loadUsShapes(): Shape[] {
  const topo = readTopology('us-atlas/states-albers-10m.json')
  const states = feature(topo, topo.objects.states as GeometryCollection<{ name: string }>)
  const ctx = compactPathContext()
  const path = geoPath(null, ctx)
  const measure = geoPath()
  return states.features
    .map((f) => {
      path(f as GeoPermissibleObjects)
      const usps = FIPS_TO_USPS[String(f.id)]
      const [x, y] = measure.centroid(f as GeoPermissibleObjects)
      return {
        code: usps ? `US-${usps}` : null,
        name: f.properties?.name ?? String(f.id),
        d: ctx.take(),
        label:
          usps && measure.area(f as GeoPermissibleObjects) > MIN_LABEL_AREA
            ? { x: Math.round(x + (LABEL_NUDGE[`US-${usps}`]?.[0] ?? 0)), y: Math.round(y + (LABEL_NUDGE[`US-${usps}`]?.[1] ?? 0)) }
            : null,
      }
    })
    .sort((a, b) => a.name.localeCompare(b.name))
}

function loadWorldShapes() {
  const topo = readTopology('world-atlas/countries-110m.json')
  const countries = feature(topo, topo.objects.countries as GeometryCollection<{ name: string }>)
  const projection = geoEqualEarth().fitSize([WORLD_SIZE.width, WORLD_SIZE.height], { type: 'Sphere' })
  const ctx = compactPathContext()
  const path = geoPath(projection, ctx)
  path({ type: 'Sphere' })
  const sphere = ctx.take()
  const shapes = countries.features
    .map((f) => {
      path(f as GeoPermissibleObjects)
      // world-atlas ids are ISO 3166-1 numeric codes; a few disputed areas (Kosovo, N. Cyprus, Somaliland) have none.
      const alpha2 = f.id === undefined ? undefined : iso31661NumericToAlpha2[String(f.id).padStart(3, '0')]
      return { code: alpha2 ?? null, name: f.properties?.name ?? 'Unnamed area', d: ctx.take(), label: null }
    })
    .sort((a, b) => a.name.localeCompare(b.name))
  return { shapes, sphere }
}

function region(shape: Shape, found: RegionStatus | undefined, displayName: string | undefined): Html {
  const status = found?.status ?? 'unknown'
  const name = displayName ?? shape.name
  const bound = status === 'unknown' && found?.atLeast ? ` (at least ${STATUS_LOOK[found.atLeast].label.toLowerCase()}, possibly banned)` : ''
  const unconfirmed = found?.unconfirmed && status !== 'unknown'
  const words = `${name}: ${STATUS_LOOK[status].label}${bound}${unconfirmed ? ', unconfirmed' : ''}${found?.note ? `, ${found.note}` : ''}`
  const path = html`<path class="region ${statusClass(status)}${unconfirmed ? ' unconfirmed' : ''}" d="${raw(shape.d)}" data-code="${shape.code}" data-status="${status}"><title>${words}</title></path>`
  if (!shape.code) return path
  return html`<a href="/j/${shape.code}" aria-label="${words}">${path}</a>`
}

/** A county or city drawn as a point on the US map. */
export interface MapPoint extends RegionStatus {
  code: string
  name: string
  level: 'county' | 'city'
  lat: number
  lon: number
}

// us-atlas' *-albers-10m files are projected with geoAlbersUsa().scale(1300).translate([487.5, 305]): the same here.
const usProjection = geoAlbersUsa().scale(1300).translate([US_SIZE.width / 2, US_SIZE.height / 2])

/** Counties and cities as points (squares for counties), each linked to its page with a status class and title. */
function renderPoints(points: MapPoint[]): Html {
  const drawn = points.flatMap((p) => {
    const xy = usProjection([p.lon, p.lat])
    if (!xy) return []
    const [x, y] = xy.map(Math.round) as [number, number]
    const bound = p.status === 'unknown' && p.atLeast ? ` (at least ${STATUS_LOOK[p.atLeast].label.toLowerCase()}, possibly banned)` : ''
    const unconfirmed = p.unconfirmed && p.status !== 'unknown'
    const words = `${p.name} (${p.level}): ${STATUS_LOOK[p.status].label}${bound}${unconfirmed ? ', unconfirmed' : ''}${p.note ? `, ${p.note}` : ''}`
    const cls = `point ${statusClass(p.status)}${unconfirmed ? ' unconfirmed' : ''}`
    const shape =
      p.level === 'county'
        ? html`<rect class="${cls}" x="${x - 3.5}" y="${y - 3.5}" width="7" height="7" data-code="${p.code}"/>`
        : html`<circle class="${cls}" cx="${x}" cy="${y}" r="4" data-code="${p.code}"/>`
    // The link's <title> is its accessible name and the tooltip (one copy of the words keeps the page small).
    return [html`<a href="/j/${p.code}"><title>${words}</title>${shape}</a>`]
  })
  return html`<g class="points">${drawn}</g>`
}

/** Renders the US states map: every state linked to its page, with a status class, pattern, title and label; local rules as points. */
export function renderUsMap(statuses: Map<string, RegionStatus>, names: Map<string, string>, caption: string, points: MapPoint[] = []): Html {
  usShapes ??= loadUsShapes()
  const regions = usShapes.map((s) => region(s, s.code ? statuses.get(s.code) : undefined, s.code ? names.get(s.code) : undefined))
  const labels = usShapes
    .filter((s) => s.label && s.code)
    .map((s) => {
      const found = statuses.get(s.code!)
      const symbol = STATUS_LOOK[found?.status ?? 'unknown'].symbol
      // A label is clickable for its state (above the points, which may sit near it); hidden from keyboards and readers,
      // which reach the state through its region's link.
      return html`<a href="/j/${s.code}" tabindex="-1"><text x="${s.label!.x}" y="${s.label!.y}">${s.code!.slice(3)} ${symbol}</text></a>`
    })
  return html`<svg class="map map-us" viewBox="0 0 ${US_SIZE.width} ${US_SIZE.height}" role="group" aria-label="${caption}"><g class="regions">${regions}</g>${renderPoints(points)}<g class="labels" aria-hidden="true">${labels}</g></svg>`
}

/** Renders the world map: every country with an ISO code linked to its page, with a status class, pattern and title. */
export function renderWorldMap(statuses: Map<string, RegionStatus>, names: Map<string, string>, caption: string): Html {
  worldShapes ??= loadWorldShapes()
  const regions = worldShapes.shapes.map((s) => region(s, s.code ? statuses.get(s.code) : undefined, s.code ? names.get(s.code) : undefined))
  return html`<svg class="map map-world" viewBox="0 0 ${WORLD_SIZE.width} ${WORLD_SIZE.height}" role="group" aria-label="${caption}"><path class="sphere" d="${raw(worldShapes.sphere)}"/><g class="regions">${regions}</g></svg>`
}
