import { generateKeyPairSync, randomBytes } from 'node:crypto'
import type { JWK } from 'oidc-provider'
import type { Clock } from '../../kernel/clock.js'
import type { SecretBox } from '../../kernel/secret-box.js'
import type { OidcKeyRecord, OidcKeyRepository } from './ports.js'

const aadOf = (kid: string) => `oidc key ${kid}`

/** A new key pair of the algorithm, its private half as a JWK sealed under the secret key. */
const newKey = (alg: OidcKeyRecord['alg'], box: SecretBox, at: number): OidcKeyRecord => {
  const kid = randomBytes(12).toString('base64url')
  const { privateKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' }
  return {
    kid,
    alg,
    privateSealed: box.seal(JSON.stringify(jwk), aadOf(kid)),
    createdAt: at,
    retiredAt: null,
  }
}

/** The keys the provider signs and publishes, and a version that changes with any rotation. */
export interface KeySet {
  keys: JWK[]
  version: string
}

/**
 * The provider's signing keys: an RS256 and an ES256 key in use, stored with their private halves
 * sealed under GATEHOUSE_SECRET_KEY. A rotation puts new ones in use at once and keeps the old ones
 * published (verification only) until every token they signed has expired.
 */
export class OidcKeys {
  constructor(
    private readonly deps: {
      repo: OidcKeyRepository
      box: SecretBox
      clock: Clock
      /** How long a retired key stays published: the longest lifetime of a token it signed. */
      retainMs: number
    },
  ) {}

  /** The key set, making the first keys when there are none in use. */
  async current(): Promise<KeySet> {
    let stored = await this.deps.repo.list()
    if (!stored.some((k) => k.retiredAt === null)) {
      await this.rotate()
      stored = await this.deps.repo.list()
    }
    return this.#keySet(stored)
  }

  /** The version of the stored key set, without opening any key. */
  async version(): Promise<string> {
    return versionOf(await this.deps.repo.list())
  }

  /** Every stored key, newest first, without its private half. */
  async list(): Promise<Array<Omit<OidcKeyRecord, 'privateSealed'>>> {
    return (await this.deps.repo.list()).map(({ privateSealed: _, ...k }) => k)
  }

  /** New keys in use from now on; the old ones only verify. Returns the new key ids. */
  async rotate(): Promise<string[]> {
    const { box, clock, repo } = this.deps
    const at = clock.now()
    const fresh = [newKey('RS256', box, at), newKey('ES256', box, at)]
    await repo.rotate(fresh, at)
    return fresh.map((k) => k.kid)
  }

  /** Drops keys retired long enough ago that nothing they signed is still valid. */
  purge(now: number): Promise<number> {
    return this.deps.repo.dropRetiredBefore(now - this.deps.retainMs)
  }

  #keySet(stored: OidcKeyRecord[]): KeySet {
    const live = stored.filter((k) => k.retiredAt === null)
    const retired = stored.filter((k) => k.retiredAt !== null)
    // Signing takes the first key of an algorithm that may sign: the live ones come first, and the
    // retired ones may only verify.
    const open = (k: OidcKeyRecord, verifyOnly: boolean): JWK => {
      const jwk = JSON.parse(this.deps.box.open(k.privateSealed, aadOf(k.kid))) as JWK
      return verifyOnly ? { ...jwk, key_ops: ['verify'] } : jwk
    }
    return {
      keys: [...live.map((k) => open(k, false)), ...retired.map((k) => open(k, true))],
      version: versionOf(stored),
    }
  }
}

const versionOf = (stored: OidcKeyRecord[]): string =>
  stored.map((k) => `${k.kid}:${k.retiredAt ?? ''}`).join(',')
