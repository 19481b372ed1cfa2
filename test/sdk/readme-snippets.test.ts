/*
 * The README's dozen lines with @gatehouse/client and @gatehouse/server, type-checked against the
 * packages as they are built (their dist types, which a user's compiler reads): a renamed export, a
 * changed option or answer breaks this test before it breaks a reader.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const HEADING = '## In your application: `@gatehouse/client` and `@gatehouse/server`'
const dir = join(ROOT, 'test-artifacts', `readme-snippets-${process.pid}`)

/** The `ts` blocks of the README's section on the packages. */
const snippets = (): string[] => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const start = readme.indexOf(`${HEADING}\n`)
  if (start < 0) throw new Error(`README.md has no heading "${HEADING}"`)
  const end = readme.indexOf('\n## ', start + HEADING.length)
  const section = readme.slice(start, end < 0 ? undefined : end)
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '')
}

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("the README's quick start with the packages", () => {
  it('type-checks against the built packages, as written', async () => {
    const blocks = snippets()
    expect(blocks.length).toBeGreaterThan(0)
    const code = blocks.join('\n')
    expect(code).toContain("from '@gatehouse/client'")
    expect(code).toContain("from '@gatehouse/server'")
    // The dozen lines: each block is short enough to be read at a glance.
    for (const block of blocks)
      expect(block.split('\n').filter((l) => l.trim()).length).toBeLessThanOrEqual(16)
    mkdirSync(dir, { recursive: true })
    // What the reader brings: the form's values.
    const prelude =
      'declare const identifier: string\ndeclare const password: string\ndeclare const code: string\n'
    writeFileSync(join(dir, 'quick-start.ts'), `${prelude}${code}\nexport {}\n`)
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023', 'DOM'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
        },
        files: ['quick-start.ts'],
      }),
    )
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc')
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', dir], { cwd: ROOT }).then(
      () => '',
      (e: { stdout?: string }) => e.stdout ?? String(e),
    )
    expect(result).toBe('')
  }, 60_000)
})
