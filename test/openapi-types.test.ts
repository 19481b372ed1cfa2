import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  DOCUMENT_PATH,
  ERROR_CODES_PATH,
  generate,
  OPERATIONS_PATH,
  REGENERATE,
  TYPES_PATH,
} from '../scripts/openapi.js'

const read = (p: string) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8')

describe('the checked-in API contract', () => {
  it(`${DOCUMENT_PATH} and the client package's generated files are what the routes produce`, async () => {
    const generated = await generate()
    const files = [
      [DOCUMENT_PATH, generated.document],
      [TYPES_PATH, generated.types],
      [OPERATIONS_PATH, generated.operations],
      [ERROR_CODES_PATH, generated.errorCodes],
    ] as const
    for (const [path, text] of files)
      expect(read(path) === text, `${path} is stale: run \`${REGENERATE}\``).toBe(true)
  })

  it('names every operation once, so each has one call in @gatehouse/client', async () => {
    const doc = JSON.parse(read(DOCUMENT_PATH)) as {
      paths: Record<string, Record<string, { operationId?: string }>>
    }
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId))
    expect(ids.length).toBeGreaterThan(90)
    expect(ids.filter((id) => !id)).toEqual([])
    expect(new Set(ids).size).toBe(ids.length)
    const source = read(OPERATIONS_PATH)
    for (const id of ids) expect(source).toContain(`export const ${id} = (gh: Gatehouse`)
  })
})
