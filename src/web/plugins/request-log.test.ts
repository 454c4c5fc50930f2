import { describe, expect, it } from 'vitest'

import { loggableUrl } from './request-log.js'

describe('loggableUrl', () => {
  it('keeps a URL without a query as it is', () => {
    expect(loggableUrl('/api/v1/incidents/7')).toBe('/api/v1/incidents/7')
  })

  it('redacts the values of secret-looking parameters and keeps the others', () => {
    expect(loggableUrl('/x?q=timeout&token=abc&api_key=k&Password=p&limit=5')).toBe(
      '/x?q=timeout&token=%5Bredacted%5D&api_key=%5Bredacted%5D&Password=%5Bredacted%5D&limit=5',
    )
  })

  it('redacts every repetition of a parameter', () => {
    expect(loggableUrl('/x?token=a&token=b')).toBe('/x?token=%5Bredacted%5D')
  })
})
