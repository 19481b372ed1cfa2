import { type LookupAddress, type LookupOptions, lookup } from 'node:dns'
import type { LookupFunction } from 'node:net'
import ipaddr from 'ipaddr.js'

/*
 * Where webhooks may be delivered. A webhook URL is chosen by an administrator (or an API key with
 * webhooks:write), and Gatehouse then POSTs to it from inside the network: a URL naming a loopback,
 * private, link-local (cloud metadata at 169.254.169.254) or otherwise non-public address would
 * make Gatehouse a door to services that trust their network (SSRF). Unless
 * GATEHOUSE_WEBHOOK_ALLOW_PRIVATE is on, only public unicast addresses are targets: checked when a
 * webhook is created, and again at every delivery, on the addresses the connection then uses.
 */

/** IPv6 global unicast; everything outside it (::/8, fc00::/7, fe80::/10, ff00::/8, …) is not public. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3')

/**
 * Whether an address is public: global unicast by IANA's special-purpose registries (ipaddr.js's
 * `unicast` range: not loopback, private (RFC 1918), CGNAT 100.64/10, link-local, unique local
 * fc00::/7, unspecified, broadcast, multicast, documentation, benchmarking, 6to4, Teredo, NAT64 or
 * reserved). An IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
 */
export const isPublicAddress = (ip: string): boolean => {
  if (!ipaddr.isValid(ip)) return false
  const address = ipaddr.process(ip)
  if (address.range() !== 'unicast') return false
  return address.kind() === 'ipv4' || address.match(GLOBAL_UNICAST_V6)
}

/** The host of a URL as an address or a name: IPv6 literals without their brackets. */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1')

/** Refused: the target is, or resolves to, an address that is not public. */
export class NonPublicTarget extends Error {
  override readonly name = 'NonPublicTarget'
  readonly code = 'ENONPUBLICTARGET'
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(
      host === address
        ? `${address} is not a public address`
        : `${host} resolves to ${address}, which is not a public address`,
    )
  }
}

/** Every address the system resolver gives for `host` (what a connection would use). */
const resolveAll = (host: string): Promise<LookupAddress[]> =>
  new Promise((resolve, reject) =>
    lookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  )

/** `localhost` and its subdomains name loopback whatever a resolver says (RFC 6761), with or without the final dot. */
const LOOPBACK_NAME = /(^|\.)localhost\.?$/i

/**
 * The refusal of a URL whose host is a literal address that is not public, or a loopback name;
 * null for another name or a public address.
 */
export const literalRefusal = (url: URL): NonPublicTarget | null => {
  const host = hostOf(url)
  if (LOOPBACK_NAME.test(host)) return new NonPublicTarget(host, 'loopback')
  return ipaddr.isValid(host) && !isPublicAddress(host) ? new NonPublicTarget(host, host) : null
}

/**
 * Checks a webhook URL's host: a literal address must be public; a name must not resolve to any
 * address that is not (every address counts: a connection may use any of them). A name that does
 * not resolve now, or not within `timeoutMs`, passes: it is checked again at each delivery.
 */
export const checkTarget = async (url: URL, timeoutMs = 3_000): Promise<NonPublicTarget | null> => {
  const literal = literalRefusal(url)
  if (literal) return literal
  const host = hostOf(url)
  if (ipaddr.isValid(host)) return null
  let timer: NodeJS.Timeout | undefined
  const addresses = await Promise.race([
    resolveAll(host).catch(() => []),
    new Promise<LookupAddress[]>((resolve) => {
      timer = setTimeout(() => resolve([]), timeoutMs)
    }),
  ]).finally(() => clearTimeout(timer))
  const bad = addresses.find((a) => !isPublicAddress(a.address))
  return bad ? new NonPublicTarget(host, bad.address) : null
}

/**
 * A `lookup` for the connection of one delivery: resolves the name, refuses (NonPublicTarget) when
 * any address is not public, and hands on the addresses it checked, so that the connection goes
 * only where the check looked (a DNS answer that changes between check and connect cannot win).
 */
export const publicOnlyLookup: LookupFunction = (hostname, options: LookupOptions, callback) => {
  resolveAll(hostname).then(
    (addresses) => {
      const bad = addresses.find((a) => !isPublicAddress(a.address))
      if (bad) return callback(new NonPublicTarget(hostname, bad.address), '', 0)
      const wanted =
        options.family === 4 || options.family === 6
          ? addresses.filter((a) => a.family === options.family)
          : addresses
      if (wanted.length === 0) {
        const err: NodeJS.ErrnoException = new Error(`no address of ${hostname}`)
        err.code = 'ENOTFOUND'
        return callback(err, '', 0)
      }
      if (options.all) return callback(null, wanted)
      return callback(null, wanted[0]!.address, wanted[0]!.family)
    },
    (err: NodeJS.ErrnoException) => callback(err, '', 0),
  )
}
