/*
 * The OpenAPI document Gatehouse serves at `GET /openapi.json`, and the TypeScript types generated
 * from it (openapi-typescript) that the console and the HTTP tests are written against.
 *
 *   npm run api:types    rewrites docs/openapi.json and, in packages/client/src, schema.ts,
 *                        operations.ts (one function per operation) and error-codes.ts
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
import { errorCatalog } from '../src/kernel/errors.js'

export const DOCUMENT_PATH = 'docs/openapi.json'
export const TYPES_PATH = 'packages/client/src/schema.ts'
export const OPERATIONS_PATH = 'packages/client/src/operations.ts'
export const ERROR_CODES_PATH = 'packages/client/src/error-codes.ts'
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

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const

interface Operation {
  operationId?: string
  summary?: string
  parameters?: { required?: boolean }[]
  requestBody?: { required?: boolean }
}

/** One function per operation of the document, named by its operationId (src/http/operation-ids.ts). */
export const operationsSource = (doc: OpenAPI3): string => {
  const out: string[] = [
    HEADER,
    `import type { Gatehouse } from './client.js'`,
    `import type { Init, Success } from './operation-types.js'`,
    `import type { operations } from './schema.js'`,
    '',
  ]
  const missing: string[] = []
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method]
      if (!op) continue
      const id = op.operationId
      if (!id) {
        missing.push(`${method.toUpperCase()} ${path}`)
        continue
      }
      const required = Boolean(op.requestBody?.required) || (op.parameters ?? []).some((p) => p.required)
      const o = `operations['${id}']`
      out.push(
        `/** ${(op.summary ?? id).replaceAll('*/', '*\\/')} (\`${method.toUpperCase()} ${path}\`) */`,
        `export const ${id} = (gh: Gatehouse, init${required ? '' : '?'}: Init<${o}>): Promise<Success<${o}>> =>`,
        `  gh.call('${method}', '${path}', init)`,
        '',
      )
    }
  }
  if (missing.length > 0)
    throw new Error(`These routes have no operationId in src/http/operation-ids.ts: ${missing.join(', ')}`)
  return out.join('\n')
}

/** The error codes a problem document can carry, from the server's catalogue. */
export const errorCodesSource = (): string =>
  `${HEADER}\n/** A \`code\` of Gatehouse's problem documents (docs/errors.md). */\nexport type ErrorCode =\n${Object.keys(
    errorCatalog,
  )
    .sort()
    .map((c) => `  | '${c}'`)
    .join('\n')}\n`

/** The checked-in files' contents, as the current routes produce them. */
export const generate = async (): Promise<{
  document: string
  types: string
  operations: string
  errorCodes: string
}> => {
  const doc = await openapiDocument()
  const ast = await openapiTS(structuredClone(doc), { alphabetize: true })
  return {
    document: `${JSON.stringify(doc, null, 2)}\n`,
    types: HEADER + astToString(ast),
    operations: operationsSource(doc),
    errorCodes: errorCodesSource(),
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const { document, types, operations, errorCodes } = await generate()
  writeFileSync(join(root, DOCUMENT_PATH), document)
  writeFileSync(join(root, TYPES_PATH), types)
  writeFileSync(join(root, OPERATIONS_PATH), operations)
  writeFileSync(join(root, ERROR_CODES_PATH), errorCodes)
  console.log(`wrote ${DOCUMENT_PATH}, ${TYPES_PATH}, ${OPERATIONS_PATH} and ${ERROR_CODES_PATH}`)
}
