/**
 * `node --import tsx --import ./test/examples/package-sources.mjs …`: an example run by a test
 * imports @gatehouse/client and @gatehouse/server from this checkout's sources (as the Vitest
 * aliases do), built or not.
 */
import { register } from 'node:module'

const hooks = `
const sources = {
  '@gatehouse/client': ${JSON.stringify(new URL('../../packages/client/src/index.ts', import.meta.url).href)},
  '@gatehouse/server': ${JSON.stringify(new URL('../../packages/server/src/index.ts', import.meta.url).href)},
}
export const resolve = (specifier, context, next) =>
  next(specifier in sources ? sources[specifier] : specifier, context)
`
register(`data:text/javascript,${encodeURIComponent(hooks)}`)
