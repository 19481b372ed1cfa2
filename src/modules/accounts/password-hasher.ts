import { type Algorithm, hash, verify } from '@node-rs/argon2'

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

  async verify(phc: string, password: string): Promise<boolean> {
    try {
      return await verify(phc, password)
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
    const m = phc.match(/^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/)
    if (!m) return true
    return (
      Number(m[1]) !== this.#params.memoryKiB ||
      Number(m[2]) !== this.#params.iterations ||
      Number(m[3]) !== this.#params.parallelism
    )
  }
}
