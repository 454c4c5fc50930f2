import { stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'

import picomatch from 'picomatch'
import { glob } from 'tinyglobby'

import { inodeKey } from './file-identity.js'

/** A file found at a path, keyed elsewhere by `device:inode`. */
export interface Seen {
  path: string
  size: number
}

/** Absolute paths of the files the globs match now (symlinks followed), sorted. */
export async function globFiles(globs: readonly string[], cwd: string): Promise<string[]> {
  const paths = await glob([...globs], {
    cwd,
    absolute: true,
    onlyFiles: true,
    followSymbolicLinks: true,
  })

  return paths.sort()
}

/**
 * Stats paths (following symlinks) and keys them by `device:inode`. When two paths name one
 * file (a symlink and its target, two globs), the one `followed` returns wins, else the first.
 */
export async function statAll(
  paths: readonly string[],
  followed: (inode: string) => string | undefined = () => undefined,
): Promise<Map<string, Seen>> {
  const seen = new Map<string, Seen>()
  for (let i = 0; i < paths.length; i += 64) {
    const slice = paths.slice(i, i + 64)
    const stats = await Promise.all(slice.map((p) => stat(p, { bigint: true }).catch(() => null)))
    for (const [j, st] of stats.entries()) {
      const path = slice[j]
      if (st === null || path === undefined || !st.isFile()) continue

      const inode = inodeKey(st.dev, st.ino)
      if (seen.has(inode) && followed(inode) !== path) continue

      seen.set(inode, { path, size: Number(st.size) })
    }
  }

  return seen
}

/** The folders to watch: each glob's fixed base folder and the folder of each followed file. */
export function watchedDirs(
  globs: readonly string[],
  cwd: string,
  followed: readonly string[],
): Set<string> {
  const dirs = new Set<string>()
  for (const pattern of globs) {
    const scan = picomatch.scan(pattern)
    const base = scan.isGlob ? scan.base : dirname(scan.base)
    dirs.add(resolve(cwd, base === '' ? '.' : base))
  }
  for (const path of followed) dirs.add(dirname(path))

  return dirs
}
