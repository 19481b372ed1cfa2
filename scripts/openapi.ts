/*
 * The OpenAPI document Gatehouse serves at `GET /openapi.json`, and the TypeScript types generated
 * from it (openapi-typescript) that the console and the HTTP tests are written against.
 *
 *   npm run api:types    rewrites docs/openapi.json and console/src/api/schema.d.ts
 *
 * test/openapi-types.test.ts fails when the checked-in files differ from what the routes produce.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript'
import pino from 'pino'
import { createApp } from '../src/app.js'
import { loadConfig } from '../src/config/index.js'

export const DOCUMENT_PATH = 'docs/openapi.json'
export const TYPES_PATH = 'console/src/api/schema.d.ts'
export const REGENERATE = 'npm run api:types'

const HEADER = `/*
 * Generated from Gatehouse's OpenAPI document (GET /openapi.json) by openapi-typescript.
 * Do not edit: change the route schemas and run \`${REGENERATE}\`.
 */
`

/** The document a server with default settings serves, built in-process on a throwaway database. */
export const openapiDocument = async (): Promise<OpenAPI3> => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-openapi-'))
  const config = loadConfig({
    GATEHOUSE_DATA_DIR: dir,
    GATEHOUSE_PUBLIC_URL: 'https://id.example.test',
    GATEHOUSE_LOG_LEVEL: 'silent',
    GATEHOUSE_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
  })
  const app = await createApp(config, { logger: pino({ level: 'silent' }), manualWorkers: true })
  try {
    const res = await app.http.inject({ method: 'GET', url: '/openapi.json' })
    if (res.statusCode !== 200) throw new Error(`GET /openapi.json answered ${res.statusCode}`)
    return JSON.parse(res.body) as OpenAPI3
  } finally {
    await app.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The checked-in files' contents, as the current routes produce them. */
export const generate = async (): Promise<{ document: string; types: string }> => {
  const doc = await openapiDocument()
  const ast = await openapiTS(structuredClone(doc), { alphabetize: true })
  return { document: `${JSON.stringify(doc, null, 2)}\n`, types: HEADER + astToString(ast) }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const { document, types } = await generate()
  writeFileSync(join(root, DOCUMENT_PATH), document)
  writeFileSync(join(root, TYPES_PATH), types)
  console.log(`wrote ${DOCUMENT_PATH} and ${TYPES_PATH}`)
}
