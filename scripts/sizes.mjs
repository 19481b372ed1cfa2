#!/usr/bin/env node
// Lists the files over 400 lines and the functions over 80 lines under src/, console/src/ and the
// packages' src/ (tests, migrations and generated files excluded). `node scripts/sizes.mjs` prints them; the architecture test holds the limits.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'

export const FILE_LIMIT = 400
export const FUNCTION_LIMIT = 80

/** Files written by `npm run api:types` from the OpenAPI document, not by hand. */
const GENERATED = new Set([
  'packages/client/src/schema.ts',
  'packages/client/src/operations.ts',
  'packages/client/src/error-codes.ts',
])

/** The source files (tests excluded) under `dir`, migrations left out. */
export const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    // Migrations are history: written once, never edited, so never split either.
    if (e.isDirectory()) return e.name === 'migrations' ? [] : walk(path)
    if (GENERATED.has(path.replaceAll('\\', '/').split('/').slice(-4).join('/'))) return []
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : []
  })

const nameOf = (node, sf) => {
  if (node.name) return node.name.getText(sf)
  const parent = node.parent
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText(sf)
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(sf)
  if (parent && ts.isCallExpression(parent)) return `${parent.expression.getText(sf).slice(0, 40)}(…)`
  return '(anonymous)'
}

/** Every file and function over the limits, as { path, line, name, lines }. */
export const oversized = (root = process.cwd()) => {
  const files = [
    ...walk(join(root, 'src')),
    ...walk(join(root, 'console/src')),
    ...walk(join(root, 'packages/client/src')),
    ...walk(join(root, 'packages/server/src')),
  ]
  const found = []
  for (const file of files) {
    const text = readFileSync(file, 'utf8')
    const path = relative(root, file)
    const lines = text.split('\n').length
    if (lines > FILE_LIMIT) found.push({ path, line: 1, name: '(file)', lines })
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
    const visit = (node) => {
      if (
        ts.isFunctionDeclaration(node) ||
        ts.isArrowFunction(node) ||
        ts.isFunctionExpression(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isConstructorDeclaration(node)
      ) {
        const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line
        const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line
        if (end - start + 1 > FUNCTION_LIMIT)
          found.push({ path, line: start + 1, name: nameOf(node, sf), lines: end - start + 1 })
      }
      ts.forEachChild(node, visit)
    }
    visit(sf)
  }
  return found
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const f of oversized()) console.log(`${f.path}:${f.line}\t${f.name}\t${f.lines} lines`)
}
