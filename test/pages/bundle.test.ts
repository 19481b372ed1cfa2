import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'

/*
 * What each account page costs to load: the entry's JavaScript and the screen's chunk with every
 * chunk they import (not what loads later on demand, such as the proof-of-work solver), gzipped at
 * level 9, from the build's manifest. The sign-in route's budget is 60 kB.
 */

const DIR = join(process.cwd(), 'dist', 'pages')
const SIGN_IN_BUDGET = 60 * 1024

interface Chunk {
  file: string
  imports?: string[]
  dynamicImports?: string[]
  css?: string[]
  isEntry?: boolean
}

const SCREENS: Record<string, string> = {
  '/sign-in': 'src/screens/SignIn.tsx',
  '/sign-up': 'src/screens/SignUp.tsx',
  '/verify-email': 'src/screens/VerifyEmail.tsx',
  '/forgot-password': 'src/screens/ForgotPassword.tsx',
  '/reset-password': 'src/screens/ResetPassword.tsx',
  '/not-me': 'src/screens/NotMe.tsx',
  '/security': 'src/screens/security/Security.tsx',
  '/consent': 'src/screens/Consent.tsx',
}

describe('the account pages bundle', () => {
  let manifest: Record<string, Chunk>
  beforeAll(async () => {
    if (!existsSync(join(DIR, '.vite', 'manifest.json'))) {
      const { build } = await import('vite')
      await build({ configFile: join(process.cwd(), 'pages', 'vite.config.ts'), logLevel: 'warn' })
    }
    manifest = JSON.parse(readFileSync(join(DIR, '.vite', 'manifest.json'), 'utf8')) as Record<string, Chunk>
  })

  /** The JavaScript files a chunk loads before it runs: itself and its static imports, transitively. */
  const closure = (key: string, seen = new Set<string>()): Set<string> => {
    const chunk = manifest[key]
    if (!chunk) throw new Error(`${key} is not in the manifest`)
    if (seen.has(chunk.file)) return seen
    seen.add(chunk.file)
    for (const i of chunk.imports ?? []) closure(i, seen)
    return seen
  }
  const gz = (file: string) => gzipSync(readFileSync(join(DIR, file)), { level: 9 }).length

  it('loads every screen within its budget, the sign-in route within 60 kB gzipped', () => {
    const rows: string[] = []
    const sizes: Record<string, number> = {}
    for (const [path, src] of Object.entries(SCREENS)) {
      const files = closure(src, closure('index.html'))
      const bytes = [...files].reduce((sum, f) => sum + gz(f), 0)
      sizes[path] = bytes
      rows.push(
        `${path.padEnd(18)} ${(bytes / 1024).toFixed(1).padStart(6)} kB gzipped (${files.size} files)`,
      )
    }
    console.log(`Account pages, JavaScript per route:\n${rows.join('\n')}`)
    expect(sizes['/sign-in']).toBeLessThanOrEqual(SIGN_IN_BUDGET)
    for (const bytes of Object.values(sizes)) expect(bytes).toBeGreaterThan(1000)
  })

  it('keeps build metadata out of what is served, and every script a file', () => {
    const html = readFileSync(join(DIR, 'index.html'), 'utf8')
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
    expect(html).not.toMatch(/<style/)
    expect(html).not.toMatch(/https?:\/\//)
  })
})
