import { describe, expect, it } from 'vitest'

import { AppError } from '../errors/app-error.js'

import { checkPasswordPolicy, parseHashParameters, PasswordHasher } from './password-hasher.js'

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher()

  it('writes argon2id with m=19 MiB, t=2, p=1 into the PHC string', async () => {
    const phc = await hasher.hash('correct horse battery')

    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(parseHashParameters(phc)).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 })
  })

  it('verifies the right password and rejects a wrong one', async () => {
    const phc = await hasher.hash('correct horse battery')

    expect(await hasher.verify(phc, 'correct horse battery')).toBe(true)
    expect(await hasher.verify(phc, 'correct horse batterY')).toBe(false)
  })

  it('salts every hash differently', async () => {
    expect(await hasher.hash('same password')).not.toBe(await hasher.hash('same password'))
  })

  it('treats an unreadable hash as a mismatch instead of throwing', async () => {
    expect(await hasher.verify('not-a-hash', 'whatever')).toBe(false)
  })

  it('asks for a rehash when the parameters differ from the current ones', async () => {
    const weak = new PasswordHasher({ memoryCost: 8192, timeCost: 1, parallelism: 1 })
    const old = await weak.hash('upgrade me please')

    expect(hasher.needsRehash(old)).toBe(true)
    expect(weak.needsRehash(old)).toBe(false)
    expect(hasher.needsRehash('$2b$10$abcdefghijklmnopqrstuv')).toBe(true)
    expect(await hasher.verify(old, 'upgrade me please')).toBe(true)
  })
})

describe('checkPasswordPolicy', () => {
  it('names the field of a password that is too short', () => {
    const error = (() => {
      try {
        checkPasswordPolicy('short', 'newPassword')
      } catch (thrown) {
        return thrown
      }

      return null
    })()

    expect(error).toBeInstanceOf(AppError)
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'newPassword',
      message: 'newPassword must be at least 8 characters long',
    })
  })

  it('accepts a password of eight characters', () => {
    expect(() => {
      checkPasswordPolicy('12345678')
    }).not.toThrow()
  })
})
