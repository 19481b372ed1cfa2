import { describe, expect, it } from 'vitest'
import {
  type AuditFields,
  ChainVerifier,
  canonicalJson,
  entryHash,
  GENESIS,
  type StoredAuditEntry,
} from './chain.js'

const chain = (n: number): StoredAuditEntry[] => {
  const out: StoredAuditEntry[] = []
  let previous = GENESIS
  for (let seq = 1; seq <= n; seq++) {
    const fields: AuditFields = {
      seq,
      at: 1_700_000_000_000 + seq,
      actor: 'account:a1',
      actorIp: '192.0.2.1',
      requestId: `r${seq}`,
      action: 'detection.lift',
      target: `detection:${seq}`,
      details: { kind: 'enumeration', n: seq },
    }
    const hash = entryHash(previous, fields)
    out.push({ ...fields, previousHash: previous, hash })
    previous = hash
  }
  return out
}

describe('canonical JSON', () => {
  it('sorts keys at every depth, keeps array order, drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, e: undefined })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    )
    expect(canonicalJson('é"\n')).toBe(JSON.stringify('é"\n'))
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(TypeError)
    expect(() => canonicalJson({ x: () => 1 })).toThrow(TypeError)
  })
})

describe('the audit chain', () => {
  it('verifies an intact chain page by page and gives its head', () => {
    const entries = chain(5)
    const v = new ChainVerifier()
    expect(v.check(entries.slice(0, 2))).toBeNull()
    expect(v.check(entries.slice(2))).toBeNull()
    expect(v.count).toBe(5)
    expect(v.head).toBe(entries[4]!.hash)
  })

  it('names the first changed, removed or moved entry', () => {
    const changed = chain(5)
    changed[2] = { ...changed[2]!, details: { kind: 'enumeration', n: 99 } }
    expect(new ChainVerifier().check(changed)).toEqual({ seq: 3, reason: 'hash' })

    const removed = chain(5).filter((e) => e.seq !== 3)
    expect(new ChainVerifier().check(removed)).toEqual({ seq: 3, reason: 'missing' })

    // Two entries swapped, their numbers too (so they read in order): the chain of hashes breaks.
    const swapped = chain(5)
    const [e2, e3] = [swapped[1]!, swapped[2]!]
    swapped[1] = { ...e3, seq: 2 }
    swapped[2] = { ...e2, seq: 3 }
    expect(new ChainVerifier().check(swapped)).toEqual({ seq: 2, reason: 'previous_hash' })

    // A rewritten entry with a recomputed hash still breaks the next one's link.
    const rewritten = chain(5)
    const forged = { ...rewritten[1]!, action: 'webhook.delete' }
    rewritten[1] = { ...forged, hash: entryHash(forged.previousHash, forged) }
    expect(new ChainVerifier().check(rewritten)).toEqual({ seq: 3, reason: 'previous_hash' })
  })
})
