import { type Algorithm, hash, verify } from '@node-rs/argon2'
import {
  decodeStored,
  IMPORTED_PREFIX,
  type ImportedHash,
  storedFromImport,
  verifyImported,
} from './legacy/index.js'

// Algorithm is an ambient const enum; 2 is Argon2id.
const ARGON2ID = 2 as Algorithm

export interface Argon2Params {
  memoryKiB: number
  iterations: number
  parallelism: number
}

/**
 * argon2id in PHC strings. `verify` takes the same time for an unknown account
 * (`verifyDummy`), so that login timing does not tell accounts apart.
 *
 * Imported hashes (`$gh$…`, see legacy/scheme.ts) are verified too, each with its format's
 * library; `needsRehash` is true for every one of them, so the next right password replaces it
 * with a plain argon2id. A wrapped fast hash costs one argon2id like any account; a kept slow hash
 * (bcrypt, scrypt, PBKDF2, another argon2) costs what its own parameters cost.
 */
export class PasswordHasher {
  readonly #params: Argon2Params
  #dummy: Promise<string> | undefined

  constructor(params: Argon2Params) {
    this.#params = params
  }

  hash(password: string): Promise<string> {
    return hash(password, {
      algorithm: ARGON2ID,
      memoryCost: this.#params.memoryKiB,
      timeCost: this.#params.iterations,
      parallelism: this.#params.parallelism,
    })
  }

  /** argon2id of bytes (over their lowercase hex): what a wrapped imported hash keeps of a fast hash. */
  wrapBytes(bytes: Buffer): Promise<string> {
    return hash(bytes.toString('hex'), {
      algorithm: ARGON2ID,
      memoryCost: this.#params.memoryKiB,
      timeCost: this.#params.iterations,
      parallelism: this.#params.parallelism,
    })
  }

  /** What `password_hash` holds for an imported hash (throws ImportHashError when unusable). */
  storedFromImport(imported: ImportedHash): Promise<string> {
    return storedFromImport(imported, (bytes) => this.wrapBytes(bytes))
  }

  /** False for a wrong password and for a stored string that is malformed (never a throw). */
  async verify(phc: string, password: string): Promise<boolean> {
    if (phc.startsWith(IMPORTED_PREFIX)) return this.#verifyImported(phc, password)
    try {
      return await verify(phc, password)
    } catch {
      return false
    }
  }

  async #verifyImported(stored: string, password: string): Promise<boolean> {
    const imported = decodeStored(stored)
    if (!imported) {
      // A malformed stored string answers after the work of a verification, like a wrong password.
      await this.verifyDummy(password)
      return false
    }
    try {
      return await verifyImported(imported, password)
    } catch {
      return false
    }
  }

  /** Spends one verification's worth of work against a hash nobody's password matches. */
  async verifyDummy(password: string): Promise<void> {
    this.#dummy ??= this.hash(`gatehouse-dummy-${Math.random()}`)
    await this.verify(await this.#dummy, password)
  }

  /** True when the stored hash was made with other parameters (or another algorithm) than the current ones. */
  needsRehash(phc: string): boolean {
    if (phc.startsWith(IMPORTED_PREFIX)) return true
    const m = phc.match(/^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/)
    if (!m) return true
    return (
      Number(m[1]) !== this.#params.memoryKiB ||
      Number(m[2]) !== this.#params.iterations ||
      Number(m[3]) !== this.#params.parallelism
    )
  }
}
