import { type ImportedHash, readImport } from './imported.js'
import { encodeStored } from './scheme.js'

export { ImportHashError } from './codec.js'
export { type ImportedHash, type ImportFormat, OWASP_PBKDF2_ITERATIONS } from './imported.js'
export {
  decodeStored,
  IMPORTED_PREFIX,
  IMPORTED_SCHEMES,
  type ImportedScheme,
  importedScheme,
} from './scheme.js'
export { verifyImported } from './verify.js'

/**
 * What `accounts.password_hash` holds for an imported hash (grammar in scheme.ts and
 * docs/migration.md): a slow hash under its `$gh$` scheme, a fast one wrapped — `wrap` (argon2id
 * with the service's parameters, `PasswordHasher.wrapBytes`) hashes its bytes (as lowercase hex), and only that is
 * kept. Throws ImportHashError with a reason code (never content) for a hash it cannot use.
 */
export const storedFromImport = async (
  imported: ImportedHash,
  wrap: (bytes: Buffer) => Promise<string>,
): Promise<string> => {
  const read = readImport(imported)
  if ('kept' in read) return encodeStored(read.kept)
  const phc = await wrap(read.bytes)
  read.bytes.fill(0)
  return encodeStored({ kind: 'wrapped', recipe: read.wrap, phc })
}
