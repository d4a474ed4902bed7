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
  /** First day of the current effective status (null: before any recorded change). */
  since?: string | null
  /** Confidence of the answer (high | medium | low). */
  confidence?: string | null
  /** Pending bills or rules here (ids, e.g. `US-LA/2025/SB154`): a marker on the map and a line in the title. */
  pending?: string[]
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
            ? {
                x: Math.round(x + (LABEL_NUDGE[`US-${usps}`]?.[0] ?? 0)),
                y: Math.round(y + (LABEL_NUDGE[`US-${usps}`]?.[1] ?? 0)),
              }
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
  const bound =
    status === 'unknown' && found?.atLeast
      ? ` (at least ${STATUS_LOOK[found.atLeast].label.toLowerCase()}, possibly banned)`
      : ''
  const unconfirmed = found?.unconfirmed && status !== 'unknown'
  const words = `${name}: ${STATUS_LOOK[status].label}${bound}${unconfirmed ? ', unconfirmed' : ''}${found?.note ? `, ${found.note}` : ''}${regionDetails(found)}`
  const path = html`<path
    class="region ${statusClass(status)}${unconfirmed ? ' unconfirmed' : ''}"
    d="${raw(shape.d)}"
    data-code="${shape.code}"
    data-status="${status}"
    ><title>${words}</title></path
  >`
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
const usProjection = geoAlbersUsa()
  .scale(1300)
  .translate([US_SIZE.width / 2, US_SIZE.height / 2])

/** Counties and cities as points (squares for counties), each linked to its page with a status class and title. */
function renderPoints(points: MapPoint[]): Html {
  const drawn = points.flatMap((p) => {
    const xy = usProjection([p.lon, p.lat])
    if (!xy) return []
    const [x, y] = xy.map(Math.round) as [number, number]
    const bound =
      p.status === 'unknown' && p.atLeast
        ? ` (at least ${STATUS_LOOK[p.atLeast].label.toLowerCase()}, possibly banned)`
        : ''
    const unconfirmed = p.unconfirmed && p.status !== 'unknown'
    const words = `${p.name} (${p.level}): ${STATUS_LOOK[p.status].label}${bound}${unconfirmed ? ', unconfirmed' : ''}${p.note ? `, ${p.note}` : ''}`
    const cls = `point ${statusClass(p.status)}${unconfirmed ? ' unconfirmed' : ''}`
    const shape =
      p.level === 'county'
        ? html`<rect class="${cls}" x="${x - 3.5}" y="${y - 3.5}" width="7" height="7" data-code="${p.code}" />`
        : html`<circle class="${cls}" cx="${x}" cy="${y}" r="4" data-code="${p.code}" />`
    // The link's <title> is its accessible name and the tooltip (one copy of the words keeps the page small).
    return [html`<a href="/j/${p.code}"><title>${words}</title>${shape}</a>`]
  })
  return html`<g class="points">${drawn}</g>`
}

/** Renders the US states map: every state linked to its page, with a status class, pattern, title and label; local rules as points. */
export function renderUsMap(
  statuses: Map<string, RegionStatus>,
  names: Map<string, string>,
  caption: string,
  points: MapPoint[] = [],
): Html {
  usShapes ??= loadUsShapes()
  const regions = usShapes.map((s) =>
    region(s, s.code ? statuses.get(s.code) : undefined, s.code ? names.get(s.code) : undefined),
  )
  const labels = usShapes
    .filter((s) => s.label && s.code && !US_CALLOUTS[s.code])
    .map((s) => {
      const found = statuses.get(s.code!)
      const symbol = STATUS_LOOK[found?.status ?? 'unknown'].symbol
      // A label is clickable for its state (above the points, which may sit near it); hidden from keyboards and readers,
      // which reach the state through its region's link.
      return html`<a href="/j/${s.code}" tabindex="-1"
        ><text x="${s.label!.x}" y="${s.label!.y}">${s.code!.slice(3)} ${symbol}</text></a
      >`
    })
  return html`<svg
    class="map map-us"
    viewBox="0 0 ${US_VIEW_WIDTH} ${US_SIZE.height}"
    role="group"
    aria-label="${caption}"
  >
    <g class="regions">${regions}</g>
    ${renderPoints(points)}
    <g class="labels" aria-hidden="true">${labels}</g>
    ${usCallouts(statuses)}${pendingMarkers(statuses)}
  </svg>`
}

/** Renders the world map: every country with an ISO code linked to its page, with a status class, pattern and title. */
export function renderWorldMap(statuses: Map<string, RegionStatus>, names: Map<string, string>, caption: string): Html {
  worldShapes ??= loadWorldShapes()
  const regions = worldShapes.shapes.map((s) =>
    region(s, s.code ? statuses.get(s.code) : undefined, s.code ? names.get(s.code) : undefined),
  )
  return html`<svg
    class="map map-world"
    viewBox="0 0 ${WORLD_SIZE.width} ${WORLD_SIZE.height}"
    role="group"
    aria-label="${caption}"
  >
    <path class="sphere" d="${raw(worldShapes.sphere)}" />
    <g class="regions">${regions}</g>
    ${worldPendingMarkers(statuses)}
  </svg>`
}

/** Since when, confidence and pending measures, as the end of a region's title ("; since 2016-05-10; …"). */
function regionDetails(found: RegionStatus | undefined): string {
  if (!found) return '; no status recorded'
  const parts: string[] = []
  if (found.since !== undefined) parts.push(found.since ? `since ${found.since}` : 'since before any recorded change')
  if (found.confidence) parts.push(`confidence ${found.confidence}`)
  if (found.pending?.length) parts.push(`pending: ${found.pending.join(', ')}`)
  return parts.length ? `; ${parts.join('; ')}` : ''
}

/**
 * The US map's frame is us-atlas' 975 px plus a margin on the right for the small-state callouts.
 * Coordinates inside the frame are unchanged (points projected with us-atlas' projection still fit).
 */
export const US_VIEW_WIDTH = 1000

/**
 * States too small for a label inside (New England, the Mid-Atlantic, DC, Hawaii): their label sits in a
 * column at this position, with a leader line to the state, as election maps do.
 */
const US_CALLOUTS: Record<string, [number, number]> = {
  'US-MA': [930, 172],
  'US-RI': [930, 193],
  'US-CT': [930, 214],
  'US-NJ': [930, 235],
  'US-DE': [930, 256],
  'US-MD': [930, 277],
  'US-DC': [930, 298],
  'US-HI': [350, 590],
}

let usCentroids: Map<string, [number, number]> | undefined
function loadUsCentroids(): Map<string, [number, number]> {
  const topo = readTopology('us-atlas/states-albers-10m.json')
  const states = feature(topo, topo.objects.states as GeometryCollection<{ name: string }>)
  const measure = geoPath()
  const out = new Map<string, [number, number]>()
  for (const f of states.features) {
    const usps = FIPS_TO_USPS[String(f.id)]
    if (usps) out.set(`US-${usps}`, measure.centroid(f as GeoPermissibleObjects).map(Math.round) as [number, number])
  }
  return out
}

/** Where a state's label and pending marker go: inside the state, or at its callout. */
function usLabelAt(code: string): [number, number] | undefined {
  if (US_CALLOUTS[code]) return [US_CALLOUTS[code][0] + 12, US_CALLOUTS[code][1]]
  usShapes ??= loadUsShapes()
  const label = usShapes.find((s) => s.code === code)?.label
  return label ? [label.x, label.y] : undefined
}

/**
 * Callouts for the small states: a leader line from the state to a swatch and its label (code and status symbol),
 * linked to the state's page. Hidden from screen readers and out of the tab order: the state's own region link
 * says the same.
 */
export function usCallouts(statuses: Map<string, RegionStatus>): Html {
  usCentroids ??= loadUsCentroids()
  const items = Object.entries(US_CALLOUTS).map(([code, [x, y]]) => {
    const [cx, cy] = usCentroids!.get(code) ?? [x, y]
    const found = statuses.get(code)
    const status = found?.status ?? 'unknown'
    const unconfirmed = found?.unconfirmed && status !== 'unknown' ? ' unconfirmed' : ''
    const line = code === 'US-HI' ? '' : html`<line x1="${cx}" y1="${cy}" x2="${x - 2}" y2="${y}" />`
    return html`<a href="/j/${code}" tabindex="-1" data-callout="${code}"
      >${line}<rect
        class="region ${statusClass(status)}${unconfirmed}"
        x="${x}"
        y="${y - 6}"
        width="10"
        height="12"
      /><text x="${x + 13}" y="${y}">${code.slice(3)} ${STATUS_LOOK[status].symbol}</text></a
    >`
  })
  return html`<g class="callouts" aria-hidden="true">${items}</g>`
}

/** A marker (a ringed dot beside the label) on every state with a pending bill or rule. */
export function pendingMarkers(statuses: Map<string, RegionStatus>): Html {
  const marks = [...statuses.entries()]
    .filter(([, r]) => r.pending?.length)
    .flatMap(([code]) => {
      const at = usLabelAt(code)
      if (!at) return []
      const dx = US_CALLOUTS[code] ? 40 : 20
      return [html`<circle class="pending-marker" data-code="${code}" cx="${at[0] + dx}" cy="${at[1] - 7}" r="4.5" />`]
    })
  return html`<g class="pending-markers" aria-hidden="true">${marks}</g>`
}

let worldCentroids: Map<string, [number, number]> | undefined
function loadWorldCentroids(): Map<string, [number, number]> {
  const topo = readTopology('world-atlas/countries-110m.json')
  const countries = feature(topo, topo.objects.countries as GeometryCollection<{ name: string }>)
  const projection = geoEqualEarth().fitSize([WORLD_SIZE.width, WORLD_SIZE.height], { type: 'Sphere' })
  const measure = geoPath(projection)
  const out = new Map<string, [number, number]>()
  for (const f of countries.features) {
    const alpha2 = f.id === undefined ? undefined : iso31661NumericToAlpha2[String(f.id).padStart(3, '0')]
    const [x, y] = measure.centroid(f as GeoPermissibleObjects)
    if (alpha2 && Number.isFinite(x) && Number.isFinite(y)) out.set(alpha2, [Math.round(x), Math.round(y)])
  }
  return out
}

/** The same pending-bill marker on the world map, at each country's centroid. */
export function worldPendingMarkers(statuses: Map<string, RegionStatus>): Html {
  worldCentroids ??= loadWorldCentroids()
  const marks = [...statuses.entries()]
    .filter(([code, r]) => r.pending?.length && worldCentroids!.has(code))
    .map(
      ([code]) =>
        html`<circle
          class="pending-marker"
          data-code="${code}"
          cx="${worldCentroids!.get(code)![0]}"
          cy="${worldCentroids!.get(code)![1]}"
          r="3.5"
        />`,
    )
  return html`<g class="pending-markers" aria-hidden="true">${marks}</g>`
}
