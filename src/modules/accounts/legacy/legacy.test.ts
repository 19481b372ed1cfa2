import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { PasswordHasher } from '../password-hasher.js'
import { type ImportedHash, ImportHashError, importedScheme } from './index.js'

/*
 * Imported password hashes against their formats' published vectors, through what login uses:
 * PasswordHasher.storedFromImport at import, PasswordHasher.verify at login.
 */

const hasher = new PasswordHasher({ memoryKiB: 8192, iterations: 1, parallelism: 1 })

/** Imports, then checks the right password passes, wrong ones fail, and a rehash is due. */
const roundTrip = async (imported: ImportedHash, password: string, scheme: string): Promise<string> => {
  const stored = await hasher.storedFromImport(imported)
  expect(importedScheme(stored)).toBe(scheme)
  expect(await hasher.verify(stored, password)).toBe(true)
  expect(await hasher.verify(stored, `${password}x`)).toBe(false)
  expect(await hasher.verify(stored, '')).toBe(password === '')
  expect(hasher.needsRehash(stored)).toBe(true)
  return stored
}

const rfcHex = (s: string) => s.replace(/\s+/g, '')

describe('bcrypt ($2a$, $2b$, $2y$), kept', () => {
  // Openwall crypt_blowfish's wrapper.c test vectors (also OpenBSD's and passlib's).
  const openwall: Array<[string, string]> = [
    ['U*U', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
    ['U*U*', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK'],
    ['U*U*U', '$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a'],
    ['', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy'],
  ]
  it.each(openwall)('verifies %j', async (password, hash) => {
    const stored = await roundTrip({ format: 'bcrypt', hash }, password, 'bcrypt')
    expect(stored).toBe(`$gh$bcrypt${hash}`)
  })
  it('reads $2b$ (passlib: "ё") and $2y$ (PHP: the same hash as $2a$ for ASCII)', async () => {
    await roundTrip(
      { format: 'bcrypt', hash: '$2b$05$6bNw2HLQYeqHYyBfLMsv/OUcZd0LKP39b87nBw3.S2tVZSqiQX6eu' },
      'ё',
      'bcrypt',
    )
    await roundTrip(
      { format: 'bcrypt', hash: '$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW' },
      'U*U',
      'bcrypt',
    )
  })
  it('refuses a bcrypt string that is not one, or costs too much', async () => {
    await expect(
      hasher.storedFromImport({
        format: 'bcrypt',
        hash: '$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW',
      }),
    ).rejects.toThrow(ImportHashError)
    await expect(
      hasher.storedFromImport({
        format: 'bcrypt',
        hash: '$2b$31$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW',
      }),
    ).rejects.toThrow(ImportHashError)
  })
})

describe('argon2i, argon2d, argon2id PHC strings, kept', () => {
  // phc-winner-argon2's src/test.c vectors (argon2i, argon2id) and libar2's test.c (argon2d, v=16).
  const vectors: Array<[string, string]> = [
    ['password', '$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8'],
    ['password', '$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4'],
    ['password', '$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc'],
    ['', '$argon2d$v=16$m=8,t=1,p=1$ICAgICAgICA$X54KZYxUSfMUihzebb70sKbheabHilo8gsUldrVU4IU'],
  ]
  it.each(vectors)('verifies %j against %s', async (password, hash) => {
    expect(await roundTrip({ format: 'argon2', hash }, password, 'argon2')).toBe(`$gh$argon2${hash}`)
  })
})

describe('scrypt, kept', () => {
  it('verifies RFC 7914 §12 vectors 2 and 3', async () => {
    const v2 =
      rfcHex(`fd ba be 1c 9d 34 72 00 78 56 e7 19 0d 01 e9 fe 7c 6a d7 cb c8 23 78 30 e7 73 76 63 4b 37 31 62
      2e af 30 d9 2e 22 a3 88 6f f1 09 27 9d 98 30 da c7 27 af b9 4a 83 ee 6d 83 60 cb df a2 cc 06 40`)
    const v3 =
      rfcHex(`70 23 bd cb 3a fd 73 48 46 1c 06 cd 81 fd 38 eb fd a8 fb ba 90 4f 8e 3e a9 b5 43 f6 54 5d a1 f2
      d5 43 29 55 61 3f 0f cf 62 d4 97 05 24 2a 9a f9 e6 1e 85 dc 0d 65 1e 40 df cf 01 7b 45 57 58 87`)
    const hexed = { encoding: 'hex', saltEncoding: 'utf8' }
    await roundTrip(
      { format: 'scrypt', hash: v2, salt: 'NaCl', params: { n: 1024, r: 8, p: 16, ...hexed } },
      'password',
      'scrypt',
    )
    await roundTrip(
      { format: 'scrypt', hash: v3, salt: 'SodiumChloride', params: { n: 16384, r: 8, p: 1, ...hexed } },
      'pleaseletmein',
      'scrypt',
    )
  })
  it('refuses parameters past its bounds (N not a power of two, memory over 256 MiB)', async () => {
    const hash = Buffer.alloc(32).toString('base64')
    await expect(
      hasher.storedFromImport({ format: 'scrypt', hash, params: { n: 1000, r: 8, p: 1 } }),
    ).rejects.toThrow(ImportHashError)
    await expect(
      hasher.storedFromImport({ format: 'scrypt', hash, params: { n: 2 ** 20, r: 8, p: 1 } }),
    ).rejects.toThrow(ImportHashError)
  })
})

describe("Firebase's modified scrypt, kept", () => {
  // github.com/firebase/scrypt (commit 36feb92b71eae15c7ae2ea4d488371005fc60249): tests/01-known-value.sh
  // and tests/02-more-values.sh with tests/02-more-values-passwords.good (password,hash,salt).
  const project = (signerKey: string) => ({ signerKey, saltSeparator: 'Bw==', rounds: 8, memCost: 14 })
  const known = project(
    'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==',
  )
  const more = project(
    'NkZlKPkYEFfnbh1nYTfLsbqQnQ6jyRV4itK7iUD+hjO96tsAYhBG40BVS3AuJyiwHinqc5RR3oA+lppOXPNRmw==',
  )
  const cases: Array<[string, string, string, typeof known]> = [
    [
      'hunter2',
      '70k8Vg5B3/OrvJOiqusnasv0dLcBHoDAqJrJr7TRLBfMw4MitWx51YXJYFdGiyMbMeKtWtLf5HiBDcN0SUOm4A==',
      '42xEC+ixf3L2lw==',
      known,
    ],
    [
      'two space password',
      '5RZZm9Jz7p/u+FGXMInlJtAYFmMBj6ioL1UOdWfsUknAFCnsPpnnKRLyXSUFwwKbM4lx7TdFclBsT16Z8uuumg==',
      'GGc/eCzFj6DM0g==',
      more,
    ],
    [
      'this$is%to^test&some=symbols*out@',
      'B8JNxsBRb0H5cHrnR18wpIbKnzp8//NV3r+3nZG4VYnM4simlThHfpOYx0cJrTBi7xVhiBS9UgkrTlrfSRf2VA==',
      'Dc+nQe0OnNrVrg==',
      more,
    ],
  ]
  it.each(cases)('verifies %j', async (password, hash, salt, params) => {
    await roundTrip({ format: 'firebase-scrypt', hash, salt, params }, password, 'firebase-scrypt')
  })
  it("refuses another project's signer key", async () => {
    const [password, hash, salt] = cases[0]!
    const stored = await hasher.storedFromImport({ format: 'firebase-scrypt', hash, salt, params: more })
    expect(await hasher.verify(stored, password)).toBe(false)
  })
})

describe('PBKDF2 (Django, passlib, raw): kept at OWASP iterations, wrapped below', () => {
  it("keeps Django's pbkdf2_sha256 at 600,000 iterations (Django 4.2 test_hashers.py)", async () => {
    const hash = 'pbkdf2_sha256$600000$seasalt$OAXyhAQ/4ZDA9V5RMExt3C1OwQdUpLZ99vm1McFlLRA='
    await roundTrip({ format: 'pbkdf2', hash }, 'lètmein', 'pbkdf2-sha256')
  })
  // passlib's test_handlers_pbkdf2.py known_correct_hashes (1212 iterations: wrapped).
  const passlib: Array<[string, string, string]> = [
    ['password', '$pbkdf2$1212$OB.dtnSEXZK8U5cgxU/GYQ$y5LKPOplRmok7CZp/aqVDVg8zGI', 'wrap-pbkdf2-sha1'],
    [
      '\u0399\u03c9\u03b1\u03bd\u03bd\u03b7\u03c2',
      '$pbkdf2$1212$THDqatpidANpadlLeTeOEg$HV3oi1k5C5LQCgG1BMOL.BX4YZc',
      'wrap-pbkdf2-sha1',
    ],
    [
      'password',
      '$pbkdf2-sha256$1212$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ',
      'wrap-pbkdf2-sha256',
    ],
    [
      'password',
      '$pbkdf2-sha512$1212$RHY0Fr3IDMSVO/RSZyb5ow$eNLfBK.eVozomMr.1gYa17k9B7KIK25NOEshvhrSX.esqY3s.FvWZViXz4KoLlQI.BzY/YTNJOiKc5gBYFYGww',
      'wrap-pbkdf2-sha512',
    ],
  ]
  it.each(passlib)('wraps passlib %j %s', async (password, hash, scheme) => {
    await roundTrip({ format: 'pbkdf2', hash }, password, scheme)
  })
  // RFC 6070 PBKDF2-HMAC-SHA1 test vectors, raw with parameters.
  const rfc6070: Array<[string, string, number, string]> = [
    ['password', 'salt', 2, 'ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957'],
    ['password', 'salt', 4096, '4b007901b765489abead49d926f721d065a429c1'],
    [
      'passwordPASSWORDpassword',
      'saltSALTsaltSALTsaltSALTsaltSALTsalt',
      4096,
      '3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038',
    ],
    ['pass\0word', 'sa\0lt', 4096, '56fa6aa75548099dcc37d7f03425e0c3'],
  ]
  it.each(rfc6070)('wraps RFC 6070 %j / %j, c=%i', async (password, salt, iterations, hash) => {
    await roundTrip(
      { format: 'pbkdf2', hash, salt, params: { digest: 'sha1', iterations } },
      password,
      'wrap-pbkdf2-sha1',
    )
  })
})

describe('salted MD5, SHA-1, SHA-256: always wrapped', () => {
  // RFC 1321 (MD5("abc")), FIPS 180-2 (SHA-1("abc"), SHA-256("abc")): salt "a" before "bc", or "c" after "ab".
  const abc: Array<['md5' | 'sha1' | 'sha256', string]> = [
    ['md5', '900150983cd24fb0d6963f7d28e17f72'],
    ['sha1', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ['sha256', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ]
  it.each(abc)('%s(salt ‖ password) and %s(password ‖ salt)', async (format, hash) => {
    await roundTrip({ format, hash, salt: 'a', params: { saltPosition: 'before' } }, 'bc', `wrap-${format}`)
    await roundTrip({ format, hash, salt: 'c', params: { saltPosition: 'after' } }, 'ab', `wrap-${format}`)
    await roundTrip({ format, hash }, 'abc', `wrap-${format}`)
  })
  it("reads Django's md5$ and sha1$ strings (Django 4.2 test_hashers.py)", async () => {
    await roundTrip(
      { format: 'md5', hash: 'md5$seasalt$3f86d0d3d465b7b458c231bf3555c0e3' },
      'lètmein',
      'wrap-md5',
    )
    await roundTrip(
      { format: 'sha1', hash: 'sha1$seasalt$cff36ea83f5706ce9aa7454e63e431fc726b2dc8' },
      'lètmein',
      'wrap-sha1',
    )
  })
  it('keeps no fast digest: the stored string holds neither its hex nor its bytes', async () => {
    const md5 = createHash('md5').update('saltcorrect horse').digest()
    const stored = await hasher.storedFromImport({ format: 'md5', hash: md5.toString('hex'), salt: 'salt' })
    for (const form of [md5.toString('hex'), md5.toString('base64'), md5.toString('base64url')]) {
      expect(stored).not.toContain(form.replace(/=+$/, ''))
    }
    expect(stored).toMatch(/^\$gh\$wrap-md5\$before\$c2FsdA\$argon2id\$v=19\$m=8192,t=1,p=1\$/)
    expect(await hasher.verify(stored, 'correct horse')).toBe(true)
  })
  it('refuses a digest of the wrong length', async () => {
    await expect(
      hasher.storedFromImport({ format: 'sha256', hash: '900150983cd24fb0d6963f7d28e17f72' }),
    ).rejects.toThrow('hash_length')
  })
})

describe('stored strings that are malformed', () => {
  const malformed = [
    '$gh$',
    '$gh$bcrypt',
    '$gh$bcrypt$2a$05$short',
    '$gh$unknown$x',
    '$gh$scrypt$1000$8$1$AA$AA',
    '$gh$pbkdf2-sha256$0$AA$AAAAAAAAAAAAAAAAAAAAAA',
    '$gh$wrap-md5$middle$AA$argon2id$v=19$m=8192,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAA',
    '$gh$wrap-md5$before$AA$argon2i$v=19$m=8192,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAA',
    '$gh$firebase-scrypt$14$8$Bw$AA$AA$AA',
  ]
  it.each(malformed)('answers false for %j, never a throw', async (stored) => {
    expect(await hasher.verify(stored, 'password')).toBe(false)
    expect(hasher.needsRehash(stored)).toBe(true)
  })
})
