/*
 * The gzipped sizes of @gatehouse/client as an application's bundler would ship it: esbuild,
 * minified, ESM, for browsers, from the package's sources (what its build compiles). The sign-in
 * subset has a budget; the whole package and the proof-of-work worker are reported.
 */
import { join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

/** The sign-in subset may not grow past this, gzipped. */
export const SIGN_IN_BUDGET = 15 * 1024

const PACKAGE = join(import.meta.dirname, '..', '..', 'packages', 'client')
const INDEX = join(PACKAGE, 'src', 'index.ts')

export interface ClientSize {
  name: string
  gzipBytes: number
  /** The most it may weigh, gzipped, when it has a budget. */
  budget?: number
}

const options = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  logLevel: 'silent',
  alias: { '@gatehouse/client': INDEX },
} as const

const gzip = (code: string | Uint8Array) => gzipSync(code, { level: 9 }).length

/** The minified bundle of a file, in one piece. */
export const bundle = async (file: string): Promise<string> =>
  (await build({ ...options, entryPoints: [file] })).outputFiles[0]!.text

/**
 * The gzipped bytes a page loads first when it imports these names from the package (and uses
 * them all): the entry and the chunks it imports statically, as a bundler that splits code ships
 * it. What the package loads with `import()` only when it is used (the WebAuthn ceremony of a
 * second step) is not counted unless something else imports it statically.
 */
export const gzipOf = async (names: readonly string[] | '*'): Promise<number> => {
  const contents =
    names === '*'
      ? `export * from '@gatehouse/client'`
      : `export { ${names.join(', ')} } from '@gatehouse/client'`
  const result = await build({
    ...options,
    stdin: { contents, resolveDir: PACKAGE, loader: 'ts', sourcefile: 'app.ts' },
    splitting: true,
    outdir: join(PACKAGE, 'size-check'),
    metafile: true,
  })
  const files = new Map(result.outputFiles.map((f) => [relative(process.cwd(), f.path), f.contents]))
  const outputs = result.metafile.outputs
  const entry = Object.keys(outputs).find((k) => outputs[k]!.entryPoint !== undefined)!
  const initial = new Set<string>()
  const visit = (file: string) => {
    if (initial.has(file)) return
    initial.add(file)
    for (const i of outputs[file]?.imports ?? []) if (i.kind === 'import-statement') visit(i.path)
  }
  visit(entry)
  let bytes = 0
  for (const file of initial) bytes += gzip(files.get(file) ?? '')
  return bytes
}

/** What a sign-in page imports: the password, the second step (a passkey among its answers), passkey sign-in, the session, signing out. */
export const SIGN_IN_SUBSET = [
  'createGatehouse',
  'signIn',
  'signInWithPasskey',
  'getCurrentSession',
  'signOut',
]

export const clientSizes = async (): Promise<ClientSize[]> => {
  const worker = await bundle(join(PACKAGE, 'src', 'pow-worker.ts'))
  return [
    { name: 'sign-in subset', gzipBytes: await gzipOf(SIGN_IN_SUBSET), budget: SIGN_IN_BUDGET },
    { name: 'password sign-in only', gzipBytes: await gzipOf(['createGatehouse', 'signIn', 'signOut']) },
    { name: 'createGatehouse + getMe', gzipBytes: await gzipOf(['createGatehouse', 'getMe']) },
    { name: 'whole package', gzipBytes: await gzipOf('*') },
    { name: 'proof-of-work worker', gzipBytes: gzip(worker) },
  ]
}
