import { isIPv4, isIPv6 } from 'node:net'

/** Expands an IPv6 address to its eight 16-bit groups. */
const ipv6Groups = (ip: string): number[] | null => {
  let addr = ip
  const v4tail = addr.match(/(\d+\.\d+\.\d+\.\d+)$/)
  if (v4tail?.[1]) {
    const p = v4tail[1].split('.').map(Number)
    addr = addr.replace(
      v4tail[1],
      `${((p[0]! << 8) | p[1]!).toString(16)}:${((p[2]! << 8) | p[3]!).toString(16)}`,
    )
  }
  const [head, tail] = addr.split('::') as [string, string | undefined]
  const h = head ? head.split(':') : []
  const t = tail ? tail.split(':') : []
  const fill = addr.includes('::') ? 8 - h.length - t.length : 0
  const groups = [...h, ...Array(fill).fill('0'), ...t].map((g) => Number.parseInt(g, 16))
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : null
}

/** An address as numbers: four octets for IPv4 (IPv4-mapped IPv6 included), eight groups for IPv6. */
type Parsed = { v: 4; octets: number[] } | { v: 6; groups: number[] }

const parse = (ip: string): Parsed | null => {
  const mapped = ip.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i)
  const v4 = mapped?.[1] ?? ip
  if (isIPv4(v4)) return { v: 4, octets: v4.split('.').map(Number) }
  if (!isIPv6(ip)) return null
  const g = ipv6Groups(ip)
  if (!g) return null
  // IPv4-mapped in any spelling (::ffff:c000:205, 0:0:0:0:0:ffff:192.0.2.5) counts as IPv4.
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return { v: 4, octets: [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff] }
  }
  return { v: 6, groups: g }
}

/** The prefixes an address is counted in, narrowest first: /24 and /16 for IPv4; /64, /56 and /48 for IPv6. */
export const NETWORK_PREFIXES = { 4: [24, 16], 6: [64, 56, 48] } as const

const networkOf = (p: Parsed, prefix: number): string => {
  if (p.v === 4) {
    const kept = prefix / 8
    return `${p.octets.map((o, i) => (i < kept ? o : 0)).join('.')}/${prefix}`
  }
  // The groups the prefix covers, the last one masked: 2001:db8:1:200::/56.
  const whole = Math.ceil(prefix / 16)
  const bits = prefix % 16
  const groups = p.groups
    .slice(0, whole)
    .map((g, i) => (i === whole - 1 && bits ? g & (0xffff << (16 - bits)) : g))
  return `${groups.map((g) => g.toString(16)).join(':')}::/${prefix}`
}

/**
 * The network an address belongs to, for limits and detection: /24 for IPv4,
 * /64 for IPv6 (an IPv4-mapped IPv6 address counts as IPv4).
 */
export const subnetOf = (ip: string | null | undefined): string | null => {
  const p = ip ? parse(ip) : null
  return p ? networkOf(p, NETWORK_PREFIXES[p.v][0]) : null
}

/**
 * Every network an address is counted in, narrowest first: its /24 and /16 (IPv4, IPv4-mapped
 * IPv6 included), or its /64, /56 and /48 (IPv6). Null for something that is not an address.
 */
export const networksOf = (ip: string | null | undefined): string[] | null => {
  const p = ip ? parse(ip) : null
  return p ? NETWORK_PREFIXES[p.v].map((prefix) => networkOf(p, prefix)) : null
}

export interface Source {
  readonly address: string
  readonly network: string
  readonly networks: readonly string[]
}

const UNKNOWN: Source = Object.freeze({
  address: 'unknown',
  network: 'unknown',
  networks: Object.freeze(['unknown']),
})

/** Recent answers of sourceOf: every limited request asks it, several times. Emptied when full. */
const sources = new Map<string, Source>()

/**
 * Where a request comes from, as limits and detectors count it: its address written one way
 * (lower case, IPv6 groups without leading zeros; an IPv4-mapped IPv6 address as IPv4), its
 * network (/24 or /64), and every network it is counted in, narrowest first (`networksOf`).
 * Requests whose address is not known share one source, `unknown`.
 */
export const sourceOf = (ip: string | null | undefined): Source => {
  if (!ip) return UNKNOWN
  const known = sources.get(ip)
  if (known) return known
  const p = parse(ip)
  let source: Source
  if (!p) {
    // Something that is not an address (it should not happen behind Fastify) is its own network.
    const self = ip.toLowerCase()
    source = { address: self, network: self, networks: [self] }
  } else {
    const address = p.v === 4 ? p.octets.join('.') : p.groups.map((g) => g.toString(16)).join(':')
    const networks = NETWORK_PREFIXES[p.v].map((prefix) => networkOf(p, prefix))
    source = { address, network: networks[0]!, networks }
  }
  if (sources.size >= 10_000) sources.clear()
  sources.set(ip, Object.freeze(source))
  return source
}
