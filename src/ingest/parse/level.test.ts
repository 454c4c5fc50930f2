import { describe, expect, it } from 'vitest'

import { findLevelWord, levelOfNumber, levelOfValue, levelOfWord } from './level.js'

describe('levelOfWord', () => {
  it.each([
    ['ERROR', 'error'],
    ['err', 'error'],
    ['Error', 'error'],
    ['SEVERE', 'error'],
    ['fail', 'error'],
    ['CRITICAL', 'fatal'],
    ['crit', 'fatal'],
    ['emerg', 'fatal'],
    ['alert', 'fatal'],
    ['panic', 'fatal'],
    ['WARNING', 'warn'],
    ['Warning:', 'warn'],
    ['[error]', 'error'],
    ['<warn>', 'warn'],
    ['Information', 'info'],
    ['NOTICE', 'notice'],
    ['VERBOSE', 'trace'],
    ['dbug', 'debug'],
    ['FINEST', 'trace'],
  ])('reads %s as %s', (word, level) => {
    expect(levelOfWord(word)).toBe(level)
  })

  it('returns null for words that name no level', () => {
    expect(levelOfWord('errors')).toBeNull()
    expect(levelOfWord('E')).toBeNull()
    expect(levelOfWord('')).toBeNull()
    expect(levelOfWord('[]')).toBeNull()
  })
})

describe('levelOfValue', () => {
  it('reads single letters in a level field', () => {
    expect(levelOfValue('E')).toBe('error')
    expect(levelOfValue('W')).toBe('warn')
    expect(levelOfValue('i')).toBe('info')
    expect(levelOfValue('X')).toBeNull()
  })

  it('reads pino and bunyan numbers and syslog severities', () => {
    expect(levelOfValue(10)).toBe('trace')
    expect(levelOfValue(20)).toBe('debug')
    expect(levelOfValue(30)).toBe('info')
    expect(levelOfValue(40)).toBe('warn')
    expect(levelOfValue(50)).toBe('error')
    expect(levelOfValue(60)).toBe('fatal')
    expect(levelOfValue(3)).toBe('error')
    expect(levelOfValue('4')).toBe('warn')
    expect(levelOfValue(0)).toBe('fatal')
  })

  it('returns null for values of other types and impossible numbers', () => {
    expect(levelOfValue(null)).toBeNull()
    expect(levelOfValue({ level: 'error' })).toBeNull()
    expect(levelOfNumber(-1)).toBeNull()
    expect(levelOfNumber(Number.NaN)).toBeNull()
  })
})

describe('findLevelWord', () => {
  it('finds the level word near the start of a line', () => {
    expect(findLevelWord('worker[3]: WARNING: queue is long')).toBe('warn')
    expect(findLevelWord('[error] disk full')).toBe('error')
  })

  it('prefers a word in capitals to an earlier one in lower case', () => {
    expect(findLevelWord('retrying after error: INFO only')).toBe('info')
  })

  it('ignores prose words and three-letter words unless in capitals', () => {
    expect(findLevelWord('the alert was sent to err on the safe side')).toBeNull()
    expect(findLevelWord('ALERT raised by monitor')).toBe('fatal')
  })

  it('looks no further than the limit', () => {
    expect(findLevelWord(`${'x'.repeat(100)} ERROR`, 0, 80)).toBeNull()
  })
})
