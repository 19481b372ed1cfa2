import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const built = new Map<string, Promise<{ cli: string; commit: string }>>()

/**
 * Gatehouse as it was at `ref` (a commit, tag or branch of this repository), built beside this one:
 * the commit's files, this checkout's node_modules, `tsc`. For figures measured in the same run
 * against an earlier version (`--baseline <ref>`). Built once per process; removed by `remove`.
 */
export const baselineCli = (ref: string): Promise<{ cli: string; commit: string }> => {
  let pending = built.get(ref)
  if (!pending) {
    pending = (async () => {
      const commit = execFileSync('git', ['rev-parse', '--short', `${ref}^{commit}`], { cwd: ROOT })
        .toString()
        .trim()
      const dir = mkdtempSync(join(os.tmpdir(), `gatehouse-baseline-${commit}-`))
      execFileSync('bash', ['-c', `git archive ${commit} | tar -x -C "${dir}"`], { cwd: ROOT })
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
      execFileSync(
        process.execPath,
        [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
        {
          cwd: dir,
          stdio: 'inherit',
        },
      )
      const cli = join(dir, 'dist/cli.js')
      if (!existsSync(cli)) throw new Error(`the build of ${ref} made no dist/cli.js`)
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
      return { cli, commit }
    })()
    built.set(ref, pending)
  }
  return pending
}
