import { describe, expect, it } from 'vitest'

import { hasRole, isRole, weakerRole } from './roles.js'

describe('roles', () => {
  it('orders viewer < editor < admin', () => {
    expect(hasRole('admin', 'editor')).toBe(true)
    expect(hasRole('editor', 'editor')).toBe(true)
    expect(hasRole('viewer', 'editor')).toBe(false)
    expect(hasRole('editor', 'admin')).toBe(false)
  })

  it('picks the weaker of two roles', () => {
    expect(weakerRole('admin', 'viewer')).toBe('viewer')
    expect(weakerRole('editor', 'admin')).toBe('editor')
  })

  it('recognizes only the three role names', () => {
    expect(isRole('viewer')).toBe(true)
    expect(isRole('root')).toBe(false)
    expect(isRole(undefined)).toBe(false)
  })
})
