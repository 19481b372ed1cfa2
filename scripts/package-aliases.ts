import { fileURLToPath } from 'node:url'

/**
 * The workspace packages resolved to their sources, for Vite and Vitest: the console, the pages and
 * the tests use @gatehouse/client and @gatehouse/server as they are in this checkout, built or not.
 * The packed packages (their dist) are tested on their own (test/packaging).
 */
export const packageAliases = [
  {
    find: /^@gatehouse\/client$/,
    replacement: fileURLToPath(new URL('../packages/client/src/index.ts', import.meta.url)),
  },
  {
    find: /^@gatehouse\/server$/,
    replacement: fileURLToPath(new URL('../packages/server/src/index.ts', import.meta.url)),
  },
]
