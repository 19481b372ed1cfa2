/**
 * The hash parameters an import takes for the whole file (query parameters of the upload, options of
 * the command line), by name there and by name in `ImportedHash.params`.
 */
export const HASH_PARAMS = [
  ['signer_key', 'signerKey', "Firebase: the project's base64 signer key"],
  ['salt_separator', 'saltSeparator', 'Firebase: the base64 salt separator'],
  ['rounds', 'rounds', 'Firebase: rounds'],
  ['mem_cost', 'memCost', 'Firebase: mem cost'],
  ['n', 'n', 'scrypt: N'],
  ['r', 'r', 'scrypt: r'],
  ['p', 'p', 'scrypt: p'],
  ['digest', 'digest', 'raw PBKDF2: sha1, sha256 or sha512'],
  ['iterations', 'iterations', 'raw PBKDF2: iterations'],
  ['hash_encoding', 'encoding', 'raw hashes: hex, base64 or utf8'],
  ['salt_encoding', 'saltEncoding', 'salts: hex, base64 or utf8'],
  ['salt_position', 'saltPosition', 'salted MD5/SHA: before or after the password'],
] as const

export type HashParamName = (typeof HASH_PARAMS)[number][0]

/** The named parameters as `ImportedHash.params` (numbers where they are integers); undefined for none. */
export const hashParamsOf = (
  given: Partial<Record<HashParamName, string | undefined>>,
): Record<string, string | number> | undefined => {
  const params: Record<string, string | number> = {}
  for (const [name, key] of HASH_PARAMS) {
    const v = given[name]
    if (v === undefined || v === '') continue
    params[key] = /^\d{1,9}$/.test(v) ? Number(v) : v
  }
  return Object.keys(params).length > 0 ? params : undefined
}
