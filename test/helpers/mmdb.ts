import { writeFileSync } from 'node:fs'

/*
 * Writes a small MaxMind DB (the .mmdb format of GeoLite2/GeoIP2, spec at
 * https://maxmind.github.io/MaxMind-DB/) so that tests can give Gatehouse a real GeoIP database
 * file: IPv4, 24-bit records, one city record per /24 network, read back by the `maxmind` package.
 */

type Value = string | { u16: number } | { u32: number } | { u64: number } | Value[] | { [key: string]: Value }

const control = (type: number, size: number): Buffer => {
  if (size >= 29) throw new Error('values this small only')
  return type <= 7 ? Buffer.from([(type << 5) | size]) : Buffer.from([size, type - 7])
}

const unsigned = (type: number, value: number | bigint, maxBytes: number): Buffer => {
  const bytes: number[] = []
  let v = BigInt(value)
  while (v > 0n) {
    bytes.unshift(Number(v & 0xffn))
    v >>= 8n
  }
  if (bytes.length > maxBytes) throw new Error('value too large')
  return Buffer.concat([control(type, bytes.length), Buffer.from(bytes)])
}

const encode = (v: Value): Buffer => {
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8')
    return Buffer.concat([control(2, b.length), b])
  }
  if (Array.isArray(v)) return Buffer.concat([control(11, v.length), ...v.map(encode)])
  if ('u16' in v && typeof v.u16 === 'number') return unsigned(5, v.u16, 2)
  if ('u32' in v && typeof v.u32 === 'number') return unsigned(6, v.u32, 4)
  if ('u64' in v && typeof v.u64 === 'number') return unsigned(9, v.u64, 8)
  const entries = Object.entries(v as Record<string, Value>)
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([k, x]) => [encode(k), encode(x)])])
}

const record24 = (n: number): Buffer => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff])

/** Writes an IPv4 City database where each `a.b.c.0/24` network has the given city and country. */
export const writeCityDb = (
  file: string,
  networks: Array<{ prefix24: string; city: string; country: string; isoCode: string }>,
): void => {
  // One chain of 24 nodes per network would collide at shared prefixes; build a binary trie.
  type Node = { children: [number | null, number | null]; leaf: [number | null, number | null] }
  const nodes: Node[] = [{ children: [null, null], leaf: [null, null] }]
  const data: Buffer[] = []
  let dataLength = 0
  for (const n of networks) {
    const octets = n.prefix24.split('.').map(Number)
    const bits = octets.slice(0, 3).flatMap((o) => Array.from({ length: 8 }, (_, i) => (o >> (7 - i)) & 1))
    const record = encode({
      city: { names: { en: n.city } },
      country: { iso_code: n.isoCode, names: { en: n.country } },
    })
    const offset = dataLength
    data.push(record)
    dataLength += record.length
    let at = 0
    for (let depth = 0; depth < 24; depth++) {
      const bit = bits[depth] as 0 | 1
      const node = nodes[at] as Node
      if (depth === 23) {
        node.leaf[bit] = offset
        break
      }
      let next = node.children[bit]
      if (next === null) {
        next = nodes.length
        nodes.push({ children: [null, null], leaf: [null, null] })
        node.children[bit] = next
      }
      at = next
    }
  }
  const nodeCount = nodes.length
  const tree = Buffer.concat(
    nodes.flatMap((node) =>
      ([0, 1] as const).map((side) => {
        const child = node.children[side]
        const leaf = node.leaf[side]
        if (child !== null) return record24(child)
        if (leaf !== null) return record24(nodeCount + 16 + leaf)
        return record24(nodeCount)
      }),
    ),
  )
  const metadata = encode({
    node_count: { u32: nodeCount },
    record_size: { u16: 24 },
    ip_version: { u16: 4 },
    database_type: 'GeoLite2-City',
    languages: ['en'],
    binary_format_major_version: { u16: 2 },
    binary_format_minor_version: { u16: 0 },
    build_epoch: { u64: 1_763_856_000 },
    description: { en: 'Gatehouse test database' },
  })
  writeFileSync(
    file,
    Buffer.concat([
      tree,
      Buffer.alloc(16),
      ...data,
      Buffer.from([0xab, 0xcd, 0xef]),
      Buffer.from('MaxMind.com'),
      metadata,
    ]),
  )
}
