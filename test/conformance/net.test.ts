import { describe, expect, it } from 'vitest'
import { networksOf, sourceOf, subnetOf } from '../../src/kernel/net.js'

/* subnetOf (src/kernel/net.ts): /24 for IPv4, /64 for IPv6, an IPv4-mapped IPv6 address counts as IPv4. */

describe('subnetOf', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0/24'],
    ['203.0.113.0', '203.0.113.0/24'],
    ['198.51.100.255', '198.51.100.0/24'],
    ['10.0.0.1', '10.0.0.0/24'],
    ['0.0.0.0', '0.0.0.0/24'],
  ])('gives the /24 of the IPv4 address %s', (ip, subnet) => {
    expect(subnetOf(ip)).toBe(subnet)
  })

  it.each([
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3:8d3::/64'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8:0:0::/64'],
    ['2001:DB8:A::1', '2001:db8:a:0::/64'],
    ['2001:db8:1:2::', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['::', '0:0:0:0::/64'],
    ['fe80::1', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.5', '64:ff9b:0:0::/64'],
  ])('gives the /64 of the IPv6 address %s', (ip, subnet) => {
    expect(subnetOf(ip)).toBe(subnet)
  })

  it('puts addresses of one /64 together and of neighbouring /64s apart', () => {
    expect(subnetOf('2001:db8:1:2:aaaa::1')).toBe(subnetOf('2001:db8:1:2:ffff:ffff:ffff:ffff'))
    expect(subnetOf('2001:db8:1:2::1')).not.toBe(subnetOf('2001:db8:1:3::1'))
  })

  it.each([
    ['::ffff:192.0.2.5', '192.0.2.0/24'],
    ['::FFFF:192.0.2.5', '192.0.2.0/24'],
    ['::ffff:c000:205', '192.0.2.0/24'],
    ['0:0:0:0:0:ffff:192.0.2.5', '192.0.2.0/24'],
    ['0:0:0:0:0:ffff:c000:205', '192.0.2.0/24'],
  ])('treats the IPv4-mapped address %s as IPv4', (ip, subnet) => {
    expect(subnetOf(ip)).toBe(subnet)
  })

  it('never puts an IPv4-mapped address in the IPv6 loopback /64', () => {
    expect(subnetOf('::ffff:c000:205')).not.toBe(subnetOf('::1'))
    expect(subnetOf('::ffff:c000:205')).not.toBe(subnetOf('::ffff:cb00:7101'))
  })

  it.each([
    'garbage',
    '',
    '1.2.3',
    '256.1.1.1',
    '203.0.113.77/24',
    ' 203.0.113.77',
    '::ffff:999.1.1.1',
    '2001:db8:::1',
    '1:2:3:4:5:6:7:8:9',
    '[2001:db8::1]',
    '2001:db8::1/64',
  ])('returns null for %j', (ip) => {
    expect(subnetOf(ip)).toBeNull()
  })

  it('returns null for no address', () => {
    expect(subnetOf(null)).toBeNull()
    expect(subnetOf(undefined)).toBeNull()
  })
})

/* networksOf and sourceOf: every network an address is counted in, narrowest first. */

describe('networksOf', () => {
  it.each([
    ['203.0.113.77', ['203.0.113.0/24', '203.0.0.0/16']],
    ['10.0.0.1', ['10.0.0.0/24', '10.0.0.0/16']],
    ['::ffff:192.0.2.5', ['192.0.2.0/24', '192.0.0.0/16']],
    ['::ffff:c000:205', ['192.0.2.0/24', '192.0.0.0/16']],
    ['2001:db8:1:2:3::4', ['2001:db8:1:2::/64', '2001:db8:1:0::/56', '2001:db8:1::/48']],
    ['2001:db8:a:1234::1', ['2001:db8:a:1234::/64', '2001:db8:a:1200::/56', '2001:db8:a::/48']],
    ['2001:db8:a:ffff::1', ['2001:db8:a:ffff::/64', '2001:db8:a:ff00::/56', '2001:db8:a::/48']],
    ['::1', ['0:0:0:0::/64', '0:0:0:0::/56', '0:0:0::/48']],
  ])('gives the networks of %s', (ip, networks) => {
    expect(networksOf(ip)).toEqual(networks)
  })

  it('puts the /64s of one /56, and the /56s of one /48, together', () => {
    const a = networksOf('2001:db8:5:100::1')!
    const b = networksOf('2001:db8:5:1ff:ffff::1')!
    const c = networksOf('2001:db8:5:fe00::1')!
    expect(a[0]).not.toBe(b[0])
    expect(a[1]).toBe(b[1])
    expect(a[1]).not.toBe(c[1])
    expect(a[2]).toBe(c[2])
    expect(networksOf('2001:db8:6::1')![2]).not.toBe(a[2])
  })

  it('puts the /24s of one /16 together, and keeps neighbouring /16s apart', () => {
    expect(networksOf('198.51.100.1')![1]).toBe(networksOf('198.51.7.200')![1])
    expect(networksOf('198.51.100.1')![1]).not.toBe(networksOf('198.52.100.1')![1])
  })

  it.each(['garbage', '', '256.1.1.1', '2001:db8::1/64'])('returns null for %j', (ip) => {
    expect(networksOf(ip)).toBeNull()
  })
})

describe('sourceOf', () => {
  it.each([
    ['192.0.2.5', '192.0.2.5'],
    ['::ffff:192.0.2.5', '192.0.2.5'],
    ['::FFFF:192.0.2.5', '192.0.2.5'],
    ['::ffff:c000:205', '192.0.2.5'],
    ['0:0:0:0:0:ffff:c000:205', '192.0.2.5'],
    ['2001:DB8::1', '2001:db8:0:0:0:0:0:1'],
    ['2001:0db8:0000::0001', '2001:db8:0:0:0:0:0:1'],
  ])('writes %s one way: %s', (ip, address) => {
    expect(sourceOf(ip).address).toBe(address)
  })

  it('gives the /24 or /64 as the network, and every network counted in', () => {
    expect(sourceOf('203.0.113.77')).toEqual({
      address: '203.0.113.77',
      network: '203.0.113.0/24',
      networks: ['203.0.113.0/24', '203.0.0.0/16'],
    })
    expect(sourceOf('2001:db8:1:2::9').networks).toHaveLength(3)
  })

  it('gives requests of unknown source, and non-addresses, a source of their own', () => {
    expect(sourceOf(null)).toEqual({ address: 'unknown', network: 'unknown', networks: ['unknown'] })
    expect(sourceOf('Garbage')).toEqual({ address: 'garbage', network: 'garbage', networks: ['garbage'] })
  })
})
