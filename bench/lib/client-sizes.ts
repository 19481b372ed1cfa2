/**
 * The gzipped size of @gatehouse/client as an application ships it: its entry bundled (esbuild,
 * minified, ESM, browser platform) and gzipped. A minimal version: one row for the whole entry.
 */
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

export const clientSizes = async (): Promise<{ name: string; gzipBytes: number; budget?: number }[]> => {
  const out = await build({
    entryPoints: [new URL('../../packages/client/src/index.ts', import.meta.url).pathname],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  })
  const code = out.outputFiles[0]?.contents ?? new Uint8Array()
  return [{ name: '@gatehouse/client (whole entry)', gzipBytes: gzipSync(code, { level: 9 }).length }]
}
