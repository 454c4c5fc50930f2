import { hash, verify, type Algorithm } from '@node-rs/argon2'

import { AppError } from '../errors/app-error.js'

/** Argon2id cost parameters: memory in KiB, passes, lanes. */
export interface HashParameters {
  memoryCost: number
  timeCost: number
  parallelism: number
}

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane (about 30 ms per hash on one core). */
export const DEFAULT_HASH_PARAMETERS: HashParameters = Object.freeze({
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
})

/** Shortest and longest accepted password, in characters. */
export const PASSWORD_MIN_LENGTH = 8
export const PASSWORD_MAX_LENGTH = 1024

// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- the library's const enum cannot be read under isolatedModules; 2 is Argon2id
const ARGON2ID: Algorithm = 2

/** Throws VALIDATION_FAILED naming `field` when `password` is too short or too long. */
export function checkPasswordPolicy(password: string, field = 'password'): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw new AppError(
      'VALIDATION_FAILED',
      `${field} must be at least ${PASSWORD_MIN_LENGTH} characters long`,
      { status: 400, field },
    )
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    throw new AppError(
      'VALIDATION_FAILED',
      `${field} must be at most ${PASSWORD_MAX_LENGTH} characters long`,
      { status: 400, field },
    )
  }
}

/** Reads m, t and p out of an argon2id PHC string; null when it is not one. */
export function parseHashParameters(phc: string): HashParameters | null {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.exec(
    phc,
  )
  if (match === null) return null

  return {
    memoryCost: Number(match[1]),
    timeCost: Number(match[2]),
    parallelism: Number(match[3]),
  }
}

/**
 * Hashes and verifies passwords with argon2id. The parameters live in each PHC string, so
 * old hashes keep verifying after a change and `needsRehash` tells when to upgrade one.
 */
export class PasswordHasher {
  readonly parameters: HashParameters
  #decoy: Promise<string> | null = null

  constructor(parameters: HashParameters = DEFAULT_HASH_PARAMETERS) {
    this.parameters = Object.freeze({ ...parameters })
  }

  /** Returns the PHC string of `password` with a fresh 16-byte salt. */
  async hash(password: string): Promise<string> {
    return hash(password, { ...this.parameters, algorithm: ARGON2ID })
  }

  /** True when `password` matches `phc`; false for a wrong password or an unreadable hash. */
  async verify(phc: string, password: string): Promise<boolean> {
    try {
      return await verify(phc, password)
    } catch {
      return false
    }
  }

  /** True when `phc` was made with other parameters (or another algorithm) than the current ones. */
  needsRehash(phc: string): boolean {
    const found = parseHashParameters(phc)

    return (
      found === null ||
      found.memoryCost !== this.parameters.memoryCost ||
      found.timeCost !== this.parameters.timeCost ||
      found.parallelism !== this.parameters.parallelism
    )
  }

  /**
   * Spends the same work as a real verification, for unknown users, so that the response time
   * does not tell whether an account exists.
   */
  async verifyDecoy(password: string): Promise<void> {
    this.#decoy ??= this.hash(`decoy-${Math.random()}`)
    await this.verify(await this.#decoy, password)
  }
}
