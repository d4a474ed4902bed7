import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { isIP } from 'node:net'
import ipaddr from 'ipaddr.js'
import { UnsafeUrlError } from '../errors.js'

/** What webhook URLs may point at (from configuration). */
export interface UrlPolicy {
  /** Allow `http:` as well as `https:` (development and tests only). */
  allowHttp: boolean
  /** Host names, IP addresses or CIDR ranges permitted even though they are private (e.g. `127.0.0.1` in tests). */
  allowedHosts: readonly string[]
}

// Cloud metadata endpoints (AWS/GCP/Azure IMDS, ECS task metadata, AWS IPv6 IMDS, Alibaba Cloud).
const METADATA = new Set(['169.254.169.254', '169.254.170.2', 'fd00:ec2::254', '100.100.100.200'])

type Resolver = (hostname: string) => Promise<string[]>

const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses.map((a) => a.address)),
    )
  })

function allowlisted(policy: UrlPolicy, address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  for (const entry of policy.allowedHosts) {
    try {
      const [range, bits] = entry.includes('/')
        ? ipaddr.parseCIDR(entry)
        : [ipaddr.process(entry), entry.includes(':') ? 128 : 32]
      const candidate =
        range.kind() === 'ipv4' && address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
          ? (address as ipaddr.IPv6).toIPv4Address()
          : address
      if (candidate.kind() === range.kind() && candidate.match(range, bits)) return true
    } catch {
      // a host name entry: matched by name in hostAllowlisted()
    }
  }
  return false
}

const hostAllowlisted = (policy: UrlPolicy, hostname: string) =>
  policy.allowedHosts.some((h) => h.toLowerCase() === hostname.toLowerCase())

/**
 * Why an IP address may not receive webhooks, or null when it may: only global unicast
 * addresses pass. IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is judged as the IPv4 address it carries.
 */
export function refusedAddress(ip: string, policy: UrlPolicy): string | null {
  let address: ipaddr.IPv4 | ipaddr.IPv6
  let given: ipaddr.IPv4 | ipaddr.IPv6
  try {
    given = ipaddr.parse(ip)
    address = ipaddr.process(ip) // unwraps IPv4-mapped IPv6
  } catch {
    return `"${ip}" is not an IP address`
  }
  if (allowlisted(policy, address)) return null
  if (METADATA.has(address.toString())) return `${address.toString()} is a cloud metadata address`
  const range = address.range()
  if (range !== 'unicast') return `${address.toString()} is a ${range} address`
  // Every IPv6 form that carries an IPv4 address is refused, whatever that address: NAT64, SIIT,
  // 6to4 and Teredo are ranges above; the deprecated IPv4-compatible ::a.b.c.d (::7f00:1 is
  // 127.0.0.1) is "unicast" to ipaddr.js, and a mapped public address is judged as IPv4 above.
  if (given.kind() === 'ipv6') {
    const parts = (given as ipaddr.IPv6).parts
    if (parts.slice(0, 6).every((p) => p === 0) || (given as ipaddr.IPv6).isIPv4MappedAddress()) {
      const v4 = ipaddr.fromByteArray(given.toByteArray().slice(12)).toString()
      return `${given.toString()} is an IPv6 address embedding the IPv4 address ${v4}; use a global IPv6 address or the IPv4 address itself`
    }
  }
  return null
}

/** What to do about a refused address: use a public one, or (local testing, private networks) allow-list it. */
const ALLOW_HINT = (host: string) =>
  `Use a public address, or, for local testing or a private network, have the server allow it with WEBHOOK_ALLOWED_HOSTS=${host} (hosts, IPs or CIDRs, comma-separated).`

/**
 * Checks a webhook URL without touching the network: no control characters, https (or http
 * when configured), no credentials, and an IP-literal host (in any numeric, octal or hex form, which the URL parser
 * normalises) must be a public address. Returns the parsed URL; throws UnsafeUrlError.
 */
export function checkUrlShape(raw: string, policy: UrlPolicy): URL {
  // The URL parser drops tabs and newlines silently (and a raw CR LF is header injection in the
  // making): refuse every control character instead of storing one URL and requesting another.
  const at = [...raw].findIndex(
    (ch) => ch.charCodeAt(0) < 0x20 || (ch.charCodeAt(0) >= 0x7f && ch.charCodeAt(0) <= 0x9f),
  )
  if (at >= 0) {
    const code = [...raw][at]!.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')
    throw new UnsafeUrlError(`the URL contains the control character U+${code} at position ${at}; remove it.`)
  }
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new UnsafeUrlError(`"${raw}" is not an absolute URL; give the full https:// address of your endpoint.`)
  }
  if (url.protocol !== 'https:' && !(policy.allowHttp && url.protocol === 'http:')) {
    const hint =
      url.protocol === 'http:'
        ? ' For development and tests, the server can allow http:// with WEBHOOK_ALLOW_HTTP=true.'
        : ''
    throw new UnsafeUrlError(
      `webhook URLs must use https${policy.allowHttp ? ' or http' : ''} (got "${url.protocol}").${hint}`,
    )
  }
  if (url.username || url.password)
    throw new UnsafeUrlError(
      'webhook URLs must not contain credentials (user:password@); authenticate deliveries by verifying their signature instead.',
    )
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (isIP(host)) {
    const reason = refusedAddress(host, policy)
    if (reason) throw new UnsafeUrlError(`webhook URL host refused: ${reason}. ${ALLOW_HINT(host)}`)
  }
  return url
}

/**
 * Checks a webhook URL and every address its host resolves to (at creation and before every
 * delivery). Throws UnsafeUrlError naming the first refused address.
 */
export async function checkUrl(raw: string, policy: UrlPolicy, resolve: Resolver = systemResolver): Promise<URL> {
  const url = checkUrlShape(raw, policy)
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (isIP(host) || hostAllowlisted(policy, host)) return url
  let addresses: string[]
  try {
    addresses = await resolve(host)
  } catch (error) {
    throw new UnsafeUrlError(
      `the webhook host "${host}" does not resolve (${(error as Error).message}); check the URL.`,
      { cause: error },
    )
  }
  if (addresses.length === 0) throw new UnsafeUrlError(`the webhook host "${host}" has no addresses; check the URL.`)
  for (const a of addresses) {
    const reason = refusedAddress(a, policy)
    if (reason)
      throw new UnsafeUrlError(`webhook host "${host}" resolves to a refused address: ${reason}. ${ALLOW_HINT(host)}`)
  }
  return url
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/**
 * A `lookup` for `http.request` that refuses private addresses at connect time, so a DNS answer
 * that changes after the check (DNS rebinding) still cannot reach an internal address.
 */
export function guardedLookup(policy: UrlPolicy) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, [])
      const permitted = hostAllowlisted(policy, hostname)
        ? addresses
        : addresses.filter((a) => refusedAddress(a.address, policy) === null)
      if (permitted.length === 0) {
        const refused = new Error(
          `webhook host "${hostname}" resolves only to refused addresses (${addresses.map((a) => a.address).join(', ')})`,
        ) as NodeJS.ErrnoException
        refused.code = 'EWEBHOOKADDR'
        return callback(refused, [])
      }
      if (options.all) callback(null, permitted)
      else callback(null, permitted[0]!.address, permitted[0]!.family)
    })
  }
}
