import { describe, expect, it } from 'vitest'

import { parseStartLayout, planChildren } from './start-plan.js'

describe('parseStartLayout', () => {
  it('runs one web and one worker on the configured paths by default', () => {
    const layout = parseStartLayout({}, 8080)

    expect(layout).toEqual({ webs: 1, workers: 1, workerPaths: null, port: 8080 })
    expect(planChildren(layout)).toEqual([
      { name: 'web', args: ['web'], env: {} },
      { name: 'worker', args: ['worker'], env: {} },
    ])
  })

  it('gives each worker its own ALIMS_LOG_PATHS and each web the next port', () => {
    const layout = parseStartLayout(
      { webs: '3', workers: '2', 'worker-paths': '/a/*.log,/a/**/*.txt; /b/*.log' },
      9000,
    )

    expect(planChildren(layout)).toEqual([
      { name: 'web-1', args: ['web'], env: {} },
      { name: 'web-2', args: ['web'], env: { PORT: '9001' } },
      { name: 'web-3', args: ['web'], env: { PORT: '9002' } },
      { name: 'worker-1', args: ['worker'], env: { ALIMS_LOG_PATHS: '/a/*.log,/a/**/*.txt' } },
      { name: 'worker-2', args: ['worker'], env: { ALIMS_LOG_PATHS: '/b/*.log' } },
    ])
  })

  it('gives each worker the next metrics port when the first one is set', () => {
    const layout = parseStartLayout({ webs: '0', 'worker-paths': '/a/*.log;/b/*.log' }, 8080)

    expect(planChildren({ ...layout, metricsPort: 9465 }).map((c) => c.env)).toEqual([
      { ALIMS_LOG_PATHS: '/a/*.log' },
      { ALIMS_LOG_PATHS: '/b/*.log', ALIMS_WORKER_METRICS_PORT: '9466' },
    ])
  })

  it('takes the worker count from --worker-paths when --workers is absent', () => {
    expect(parseStartLayout({ 'worker-paths': 'a;b;c' }, 8080).workers).toBe(3)
  })

  it('allows a layout without workers or without webs', () => {
    expect(planChildren(parseStartLayout({ webs: '2', workers: '0' }, 8080))).toHaveLength(2)
    expect(planChildren(parseStartLayout({ webs: '0' }, 8080))).toEqual([
      { name: 'worker', args: ['worker'], env: {} },
    ])
  })

  it('refuses several workers without their own paths', () => {
    expect(() => parseStartLayout({ workers: '2' }, 8080)).toThrow(
      /--workers 2 needs --worker-paths with one entry per worker/,
    )
  })

  it('refuses a --worker-paths count that differs from --workers', () => {
    expect(() => parseStartLayout({ workers: '3', 'worker-paths': 'a;b' }, 8080)).toThrow(
      /--worker-paths has 2 entries separated by ';' but --workers is 3/,
    )
  })

  it('refuses an empty entry and counts out of range', () => {
    expect(() => parseStartLayout({ 'worker-paths': 'a;;b' }, 8080)).toThrow(/empty entry/)
    expect(() => parseStartLayout({ webs: '33' }, 8080)).toThrow(/--webs must be an integer 0-32/)
    expect(() => parseStartLayout({ workers: '-1' }, 8080)).toThrow(/--workers must be/)
  })
})
