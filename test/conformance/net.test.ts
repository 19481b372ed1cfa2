import { describe, expect, it } from 'vitest'
import { subnetOf } from '../../src/kernel/net.js'

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
