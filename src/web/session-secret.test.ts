import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { loadConfig } from '../config/config.js'

import { loadSessionSecret, SESSION_SECRET_FILE } from './session-secret.js'

describe('loadSessionSecret', () => {
  const dirs: string[] = []

  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  function configIn(env: Record<string, string> = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'alims-secret-'))
    dirs.push(dir)

    return loadConfig({ ALIMS_DATA_DIR: join(dir, 'data'), ...env }, dir)
  }

  it('generates a 256-bit secret once into the data dir, readable by the owner only', () => {
    const config = configIn()
    const first = loadSessionSecret(config)
    const path = join(config.dataDir, SESSION_SECRET_FILE)

    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readFileSync(path, 'utf8').trim()).toBe(first)
    expect(loadSessionSecret(config)).toBe(first)
  })

  it('prefers SESSION_SECRET and writes no file then', () => {
    const config = configIn({ SESSION_SECRET: 'from-the-environment' })

    expect(loadSessionSecret(config)).toBe('from-the-environment')
    expect(() => statSync(join(config.dataDir, SESSION_SECRET_FILE))).toThrow()
  })
})
