import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadSecretKey } from './key-file.js'

const dirs: string[] = []
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'gatehouse-key-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('loadSecretKey', () => {
  it('generates secret.key once (mode 0600) and returns the same key on the next start', () => {
    const dataDir = join(tempDir(), 'nested', 'data')
    const first = loadSecretKey({ dataDir })
    expect(first.length).toBe(32)
    const file = join(dataDir, 'secret.key')
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(first)).toBe(true)
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(loadSecretKey({ dataDir }).equals(first)).toBe(true)
    expect(readdirSync(dataDir)).toEqual(['secret.key'])
  })

  it('agrees on one key when several processes race for the first start', async () => {
    const dataDir = tempDir()
    const moduleUrl = new URL('./key-file.ts', import.meta.url).href
    // Each process waits for the same instant, then loads the key and prints it.
    const start = Date.now() + 1500
    const script = [
      `const { loadSecretKey } = await import(${JSON.stringify(moduleUrl)})`,
      `while (Date.now() < ${start}) {}`,
      `process.stdout.write(loadSecretKey({ dataDir: ${JSON.stringify(dataDir)} }).toString('base64'))`,
    ].join('\n')
    const run = () =>
      new Promise<string>((resolve, reject) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', '--input-type=module', '-e', script],
          { timeout: 20_000 },
          (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
        )
      })
    const keys = await Promise.all(Array.from({ length: 6 }, run))
    expect(new Set(keys).size).toBe(1)
    expect(Buffer.from(keys[0]!, 'base64').length).toBe(32)
    expect(readFileSync(join(dataDir, 'secret.key'), 'utf8').trim()).toBe(keys[0])
    expect(readdirSync(dataDir)).toEqual(['secret.key'])
  })

  it('refuses a key file of the wrong size with a one-line fix', () => {
    const dataDir = tempDir()
    writeFileSync(join(dataDir, 'secret.key'), randomBytes(16).toString('base64'))
    expect(() => loadSecretKey({ dataDir })).toThrow(/exactly 32 bytes.*GATEHOUSE_SECRET_KEY/)
    try {
      loadSecretKey({ dataDir })
    } catch (e) {
      expect((e as Error).message).not.toContain('\n')
    }
    writeFileSync(join(dataDir, 'secret.key'), '')
    expect(() => loadSecretKey({ dataDir })).toThrow(/exactly 32 bytes/)
  })

  it('uses GATEHOUSE_SECRET_KEY when set, without touching the data dir', () => {
    const dataDir = tempDir()
    writeFileSync(join(dataDir, 'secret.key'), randomBytes(32).toString('base64'))
    const key = randomBytes(32)
    expect(loadSecretKey({ secretKey: key.toString('base64'), dataDir }).equals(key)).toBe(true)
    const empty = tempDir()
    expect(loadSecretKey({ secretKey: key.toString('base64'), dataDir: empty }).equals(key)).toBe(true)
    expect(readdirSync(empty)).toEqual([])
    expect(() => loadSecretKey({ secretKey: randomBytes(31).toString('base64'), dataDir })).toThrow(
      /GATEHOUSE_SECRET_KEY.*32 bytes/,
    )
  })
})
