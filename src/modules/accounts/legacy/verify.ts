import { verify as argon2Verify } from '@node-rs/argon2'
import { verify as bcryptVerify } from '@node-rs/bcrypt'
import { fastDigest, firebaseScrypt, pbkdf2Key, sameBytes, scryptKey } from './kdf.js'
import type { FastRecipe, StoredImport } from './scheme.js'

/*
 * Verification of a stored imported hash with the library of its format: @node-rs/bcrypt,
 * @node-rs/argon2 and node:crypto. A wrapped fast hash costs its recipe (microseconds for a digest)
 * plus one argon2id verification with the service's parameters.
 */

/** The bytes a fast hash's recipe makes of a password. */
export const recipeBytes = async (recipe: FastRecipe, password: Buffer): Promise<Buffer> =>
  recipe.kind === 'digest'
    ? fastDigest(recipe.digest, recipe.position, recipe.salt, password)
    : pbkdf2Key(recipe.digest, recipe.iterations, recipe.salt, recipe.length, password)

export const verifyImported = async (s: StoredImport, password: string): Promise<boolean> => {
  const pw = Buffer.from(password, 'utf8')
  switch (s.kind) {
    case 'bcrypt':
      return bcryptVerify(pw, s.hash)
    case 'argon2':
      return argon2Verify(s.phc, pw)
    case 'scrypt':
      return sameBytes(await scryptKey(s.n, s.r, s.p, s.salt, s.hash.length, pw), s.hash)
    case 'firebase-scrypt':
      return sameBytes(await firebaseScrypt(s.params, s.salt, pw), s.hash)
    case 'pbkdf2':
      return sameBytes(await pbkdf2Key(s.digest, s.iterations, s.salt, s.hash.length, pw), s.hash)
    case 'wrapped':
      // The wrap is argon2id over the digest's lowercase hex (the library takes text).
      return argon2Verify(s.phc, (await recipeBytes(s.recipe, pw)).toString('hex'))
  }
}
