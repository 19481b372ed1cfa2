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

/**
 * The network an address belongs to, for limits and detection: /24 for IPv4,
 * /64 for IPv6 (an IPv4-mapped IPv6 address counts as IPv4).
 */
export const subnetOf = (ip: string | null | undefined): string | null => {
  if (!ip) return null
  const mapped = ip.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i)
  const v4 = mapped?.[1] ?? ip
  if (isIPv4(v4)) return `${v4.split('.').slice(0, 3).join('.')}.0/24`
  if (isIPv6(ip)) {
    const g = ipv6Groups(ip)
    if (!g) return null
    // IPv4-mapped in any spelling (::ffff:c000:205, 0:0:0:0:0:ffff:192.0.2.5) counts as IPv4.
    if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
      return `${g[6]! >> 8}.${g[6]! & 0xff}.${g[7]! >> 8}.0/24`
    }
    return `${g
      .slice(0, 4)
      .map((x) => x.toString(16))
      .join(':')}::/64`
  }
  return null
}

/**
 * Where a request comes from, as limits and detectors count it: its address written one way
 * (an IPv4-mapped IPv6 address counts as IPv4) and its network. Requests whose address is not
 * known share one source, `unknown`.
 */
export const sourceOf = (ip: string | null | undefined): { address: string; network: string } => {
  if (!ip) return { address: 'unknown', network: 'unknown' }
  const address = ip.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '')
  // Something that is not an address (it should not happen behind Fastify) is its own network.
  return { address, network: subnetOf(ip) ?? address }
}
