import ipaddr from 'ipaddr.js'
import { z } from 'zod'
import type { HttpOptions } from '../../http/server.js'
import { format, int, optional, type Setting, section, url, type Values } from '../kinds.js'

/** Fastify's trustProxy option from GATEHOUSE_TRUST_PROXY. */
export type TrustProxy = boolean | string[] | ((address: string, hop: number) => boolean)

export const trustProxyOption = (v: string): TrustProxy => {
  if (v === 'false' || v === '0' || v === 'no') return false
  if (v === 'true' || v === 'yes') return true
  if (/^\d+$/.test(v)) {
    const hops = Number(v)
    return (_address, hop) => hop < hops
  }
  return v.split(',').map((s) => s.trim())
}

/** One entry of GATEHOUSE_TRUST_PROXY's list, as Fastify's proxy-addr reads it. */
const proxyEntry = (entry: string): boolean => {
  if (entry === 'loopback' || entry === 'linklocal' || entry === 'uniquelocal') return true
  const slash = entry.lastIndexOf('/')
  const address = slash === -1 ? entry : entry.slice(0, slash)
  if (!ipaddr.isValid(address)) return false
  if (slash === -1) return true
  const ip = ipaddr.parse(address)
  const max = ip.kind() === 'ipv6' ? 128 : 32
  const range = entry.slice(slash + 1)
  if (/^\d+$/.test(range)) return Number(range) > 0 && Number(range) <= max
  if (ip.kind() !== 'ipv4' || !ipaddr.IPv4.isValid(range)) return false
  const prefix = ipaddr.IPv4.parse(range).prefixLengthFromSubnetMask()
  return prefix !== null && prefix > 0
}
const trustProxy = format(
  z.string().refine(
    (v) =>
      /^(true|false|yes|no|\d+)$/.test(v) ||
      v
        .split(',')
        .map((s) => s.trim())
        .every(proxyEntry),
  ),
  'must be true, false, a number of proxy hops, or comma-separated proxy addresses or networks (such as 10.0.0.1,10.1.0.0/16 or loopback)',
)

const rows = {
  publicUrl: {
    env: 'GATEHOUSE_PUBLIC_URL',
    default: 'http://localhost:4455',
    doc: 'Base of links in messages and of the console; never taken from the Host header. Unset: `http://localhost:` and GATEHOUSE_PORT. Its host is the default passkey relying-party id (a domain name: browsers refuse an IP address) and its origin the one trusted for cookie-authenticated changes. https makes the session cookie Secure.',
    schema: url(['http:', 'https:']),
  },
  trustProxy: {
    env: 'GATEHOUSE_TRUST_PROXY',
    default: 'false',
    doc: 'Believe `X-Forwarded-For` (true, or a number of hops / comma-separated proxy addresses). Only behind a proxy you run.',
    schema: trustProxy,
  },
  minClientVersion: {
    env: 'GATEHOUSE_MIN_CLIENT_VERSION',
    default: undefined,
    doc: 'Requests whose `X-Client-Version` is below this semver get `426 client_outdated`.',
    schema: optional(format(z.string().regex(/^\d+\.\d+\.\d+/), 'must be a semantic version such as 2.3.0')),
  },
  bodyLimit: {
    env: 'GATEHOUSE_BODY_LIMIT',
    default: '65536',
    doc: 'Largest request body in bytes; larger bodies get `413 payload_too_large`.',
    schema: int(1024, 10 * 1024 * 1024),
  },
} as const satisfies Record<string, Setting>

/** What `createHttpServer` takes from the configuration. */
export type RequestSettings = Pick<HttpOptions, 'bodyLimit' | 'trustProxy' | 'minClientVersion'>

export const http = section(
  'Requests',
  rows,
  (v: Values<typeof rows>): RequestSettings => ({
    bodyLimit: v.bodyLimit,
    trustProxy: trustProxyOption(v.trustProxy),
    minClientVersion: v.minClientVersion,
  }),
)
