import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto'
import { isoCBOR } from '@simplewebauthn/server/helpers'

/*
 * A software WebAuthn authenticator for server-side tests: ES256 (P-256) keys, "none" attestation,
 * a signature counter, and the JSON serialisation browsers produce. It lets a test forge exactly
 * the faults a real authenticator never makes: a wrong origin or relying party, a replayed or
 * stale counter, a signature over other data.
 */

const b64url = (b: Uint8Array | Buffer | string): string => Buffer.from(b).toString('base64url')
const sha256 = (b: Uint8Array | string): Buffer => createHash('sha256').update(b).digest()

interface Credential {
  id: Buffer
  privateKey: KeyObject
  publicKeyCose: Uint8Array
  counter: number
  userHandle: string
}

export interface Overrides {
  origin?: string
  rpId?: string
  /** Force the signature counter written into this assertion. */
  counter?: number
  /** Leave the user-verified flag out. */
  noUserVerification?: boolean
  /** Set the backup-eligible and backed-up flags: a synced ("multi-device") passkey. */
  backedUp?: boolean
}

export class SoftAuthenticator {
  readonly credentials = new Map<string, Credential>()

  constructor(
    private readonly rpId: string,
    private readonly origin: string,
  ) {}

  #authData(rpId: string, counter: number, flags: number, attested?: Buffer): Buffer {
    const count = Buffer.alloc(4)
    count.writeUInt32BE(counter)
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), count, ...(attested ? [attested] : [])])
  }

  #clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }))
  }

  /** Answers registration options (navigator.credentials.create) with a new credential. */
  register(options: { challenge: string; user: { id: string } }, o: Overrides = {}) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const jwk = publicKey.export({ format: 'jwk' })
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url'))],
        [-3, new Uint8Array(Buffer.from(jwk.y ?? '', 'base64url'))],
      ]),
    )
    const id = randomBytes(32)
    const idLength = Buffer.alloc(2)
    idLength.writeUInt16BE(id.length)
    const attested = Buffer.concat([Buffer.alloc(16), idLength, id, Buffer.from(cose)])
    const authData = this.#authData(o.rpId ?? this.rpId, 0, 0x45, attested)
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Map<string, string> | Uint8Array>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, string>()],
        ['authData', new Uint8Array(authData)],
      ]),
    )
    this.credentials.set(b64url(id), {
      id,
      privateKey,
      publicKeyCose: cose,
      counter: 0,
      userHandle: options.user.id,
    })
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64url(
          this.#clientData('webauthn.create', options.challenge, o.origin ?? this.origin),
        ),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
    }
  }

  /** Answers authentication options (navigator.credentials.get) with the given credential (or the first). */
  assert(options: { challenge: string }, credentialId?: string, o: Overrides = {}) {
    const id = credentialId ?? [...this.credentials.keys()][0]
    const cred = id ? this.credentials.get(id) : undefined
    if (!cred) throw new Error('no such credential')
    cred.counter = o.counter ?? cred.counter + 1
    const flags = (o.noUserVerification ? 0x01 : 0x05) | (o.backedUp ? 0x18 : 0)
    const authData = this.#authData(o.rpId ?? this.rpId, cred.counter, flags)
    const clientData = this.#clientData('webauthn.get', options.challenge, o.origin ?? this.origin)
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), cred.privateKey)
    return {
      id: b64url(cred.id),
      rawId: b64url(cred.id),
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64url(clientData),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: cred.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
    }
  }
}
