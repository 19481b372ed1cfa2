import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DOCUMENT_PATH, generate, REGENERATE, TYPES_PATH } from '../scripts/openapi.js'

const read = (p: string) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8')

describe('the checked-in API contract', () => {
  it(`${DOCUMENT_PATH} and ${TYPES_PATH} are what the routes produce`, async () => {
    const { document, types } = await generate()
    expect(read(DOCUMENT_PATH) === document, `${DOCUMENT_PATH} is stale: run \`${REGENERATE}\``).toBe(true)
    expect(read(TYPES_PATH) === types, `${TYPES_PATH} is stale: run \`${REGENERATE}\``).toBe(true)
  })
})
