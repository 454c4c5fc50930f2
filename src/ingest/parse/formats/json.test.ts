import { describe, expect, it } from 'vitest'

import { jsonFormat } from './json.js'

describe('jsonFormat', () => {
  it('finds the level key at the top level without parsing, whatever its position', () => {
    expect(jsonFormat.scan('{"name":"a","nested":{"level":"debug"},"level":"ERROR"}')).toBe('error')
    expect(jsonFormat.scan('{"msg":"the \\"level\\": fatal","severity":"warning"}')).toBe('warn')
    expect(jsonFormat.scan('{"log":{"logger":"x","level":"warn"},"message":"m"}')).toBe('warn')
    expect(jsonFormat.scan('{"PRIORITY":"3","MESSAGE":"journal"}')).toBe('error')
  })

  it('gives info to objects without a level and rejects lines that are not objects', () => {
    expect(jsonFormat.scan('{"msg":"no level"}')).toBe('info')
    expect(jsonFormat.scan('[1,2,3]')).toBeUndefined()
    expect(jsonFormat.scan('{"level":"error"')).toBeUndefined()
    expect(jsonFormat.scan('plain text')).toBeUndefined()
  })

  it('reads time, message, service and keeps every key as a field', () => {
    const parsed = jsonFormat.parse(
      '{"@timestamp":"2024-12-03T13:58:26.123Z","log.level":"error","message":"boom","service":{"name":"api"},"trace.id":"abc"}',
      0,
    )

    expect(parsed).toMatchObject({
      timestamp: Date.UTC(2024, 11, 3, 13, 58, 26, 123),
      message: 'boom',
      service: 'api',
      fields: { 'trace.id': 'abc' },
    })
  })

  it('takes the message from an error object when there is no message key', () => {
    const parsed = jsonFormat.parse('{"level":50,"err":{"message":"card declined"}}', 0)

    expect(parsed?.message).toBe('card declined')
    expect(parsed?.timestamp).toBeNaN()
  })

  it('returns null for invalid JSON and for arrays', () => {
    expect(jsonFormat.parse('{"level":"error", oops}', 0)).toBeNull()
    expect(jsonFormat.parse('[{"level":"error"}]', 0)).toBeNull()
  })

  it('reads Docker json-file lines: level word and message from the log text', () => {
    const line =
      '{"log":"2024-12-03 13:58:26 WARN [main] c.a.Pool - pool low\\n","stream":"stdout","time":"2024-12-03T13:58:26.1Z"}'

    expect(jsonFormat.scan(line)).toBe('warn')
    expect(jsonFormat.parse(line, 0)).toMatchObject({
      message: '2024-12-03 13:58:26 WARN [main] c.a.Pool - pool low',
      timestamp: Date.UTC(2024, 11, 3, 13, 58, 26, 100),
    })
  })
})
