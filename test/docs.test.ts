import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { configDocs } from '../src/config/index.js'
import { errorCatalog } from '../src/kernel/errors.js'
import { securityEventTypes } from '../src/modules/events/vocabulary.js'

const read = (p: string) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8')
const documentedCodes = (markdown: string) =>
  new Set([...markdown.matchAll(/^\|\s*`([a-z_.]+)`\s*\|/gm)].map((m) => m[1]))

describe('documentation kept in step with the code', () => {
  it('docs/errors.md lists exactly the error codes, with their statuses', () => {
    const doc = read('docs/errors.md')
    expect(documentedCodes(doc)).toEqual(new Set(Object.keys(errorCatalog)))
    for (const [code, spec] of Object.entries(errorCatalog)) {
      expect(doc, code).toMatch(new RegExp(`^\\|\\s*\`${code}\`\\s*\\|\\s*${spec.status}\\s*\\|`, 'm'))
    }
  })

  it('docs/events.md lists exactly the security event types', () => {
    expect(documentedCodes(read('docs/events.md'))).toEqual(new Set(Object.keys(securityEventTypes)))
  })

  it('docs/config.md is what `gatehouse config docs` prints', () => {
    expect(read('docs/config.md')).toBe(configDocs())
  })
})
