import {
  appendFileSync,
  copyFileSync,
  renameSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import type { LogEvent } from '../../../src/ingest/event.js'
import type { Tailer } from '../../../src/ingest/tail/tailer.js'

import { TailFixture } from './tail-fixture.js'

/*
 * Model-based test of the tailer. Random operations on two files (append, partial append,
 * rename-rotate with late lines written to the renamed file, copytruncate, truncate, delete,
 * delete-and-recreate, worker restart) run against real files while a model records every byte
 * of every file generation (one generation = one file content history at one identity).
 *
 * What "existed long enough to be read" means here: the tailer has caught up (a full sweep
 * started and ended) after the line was completed and before its generation ended. A
 * generation ends when it is truncated (copytruncate, truncate: its unread rest is gone), and
 * a renamed or deleted one ends at the next worker restart (until then the tailer drains it
 * through its handle). A destructive operation either waits for the tailer to catch up first
 * or not (chosen at random); without the wait, lines written since the last catch-up may be
 * lost, and so may a whole generation that the running tailer never saw (no catch-up since it
 * was created or since the worker restarted) before it was renamed or deleted.
 * Such lines are optional: they may be missing, but if delivered they must be delivered once.
 *
 * Proven: every required line is delivered exactly once and in order per generation (either
 * whole or as partial pieces that tile it exactly), and every delivered event is bytes that were
 * written, at the offsets it claims.
 */

type Op =
  | { kind: 'append'; file: number; lines: number; long: boolean }
  | { kind: 'partial'; file: number; size: number }
  | { kind: 'rotate'; file: number; late: number; wait: boolean }
  | { kind: 'copytruncate' | 'truncate' | 'delete' | 'recreate'; file: number; wait: boolean }
  | { kind: 'restart'; wait: boolean }

interface ModelLine {
  start: number
  end: number
  completedAt: number
}

interface Generation {
  id: number
  name: string
  content: Buffer
  lines: ModelLine[]
  /** Start of the line being written without newline, or null. */
  open: number | null
  createdAt: number
  detached: boolean
  endedAt: number | null
  /** True when it may have been renamed or deleted before the tailer ever saw it. */
  maybeUnseen: boolean
}

const FILES = ['a.log', 'b.log']

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      file: fc.nat(1),
      lines: fc.integer({ min: 1, max: 4 }),
      long: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('partial' as const),
      file: fc.nat(1),
      size: fc.integer({ min: 1, max: 30 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('rotate' as const),
      file: fc.nat(1),
      late: fc.nat(2),
      wait: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom(
        'copytruncate' as const,
        'truncate' as const,
        'delete' as const,
        'recreate' as const,
      ),
      file: fc.nat(1),
      wait: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('restart' as const), wait: fc.boolean() }),
  },
)

class Model {
  readonly generations: Generation[] = []
  readonly current = new Map<string, Generation | null>()
  /** Times (between operation indices) at which the tailer had caught up. */
  readonly catchUps: number[] = []
  seq = 0
  rotations = 0
  /** When the running tailer started: it has seen only what a catch-up since showed it. */
  startedAt = -1

  constructor(readonly fx: TailFixture) {}

  create(name: string, at: number): Generation {
    const gen: Generation = {
      id: this.generations.length,
      name,
      content: Buffer.alloc(0),
      lines: [],
      open: null,
      createdAt: at,
      detached: false,
      endedAt: null,
      maybeUnseen: false,
    }
    this.generations.push(gen)
    this.current.set(name, gen)
    writeFileSync(this.fx.path(name), '')

    return gen
  }

  gen(name: string, at: number): Generation {
    return this.current.get(name) ?? this.create(name, at)
  }

  write(gen: Generation, path: string, text: string, at: number): void {
    const bytes = Buffer.from(text)
    appendFileSync(path, bytes)
    let pos = gen.content.length
    gen.content = Buffer.concat([gen.content, bytes])
    for (;;) {
      const newline = text.indexOf('\n')
      const start = gen.open ?? pos
      if (newline === -1) {
        if (text.length > 0) gen.open = start

        return
      }
      const end = pos + Buffer.byteLength(text.slice(0, newline)) + 1
      gen.lines.push({ start, end, completedAt: at })
      gen.open = null
      pos = end
      text = text.slice(newline + 1)
    }
  }

  line(gen: Generation, long: boolean): string {
    this.seq += 1

    return `${gen.name} g${gen.id} n${this.seq} ${long ? 'é'.repeat(40) : 'x'}\n`
  }

  /** Ends a generation whose unread rest is gone. */
  /** True when the tailer caught up at some time in (after, until]. */
  caughtUp(after: number, until: number): boolean {
    return this.catchUps.some((c) => c > after && c <= until)
  }

  seen(gen: Generation, at: number): boolean {
    return this.caughtUp(Math.max(gen.createdAt, this.startedAt), at)
  }

  end(gen: Generation, at: number): void {
    gen.endedAt = at
    if (!this.seen(gen, at)) gen.maybeUnseen = true
  }

  detach(gen: Generation, at: number): void {
    gen.detached = true
    if (!this.seen(gen, at)) gen.maybeUnseen = true
  }

  required(gen: Generation, line: ModelLine): boolean {
    if (gen.maybeUnseen) return false

    return this.caughtUp(line.completedAt, gen.endedAt ?? Number.POSITIVE_INFINITY)
  }
}

async function run(ops: readonly Op[], partialAfterMs: number): Promise<void> {
  const fx = new TailFixture()
  const model = new Model(fx)
  const options = { partialAfterMs, drainGraceMs: 600_000, pollMs: 100 }
  let tailer: Tailer = fx.start(options)
  const catchUp = async (at: number) => {
    await tailer.settled()
    // Before operation `at`, after everything earlier.
    model.catchUps.push(at - 0.5)
  }

  try {
    for (const [at, op] of ops.entries()) {
      if (op.kind !== 'append' && op.kind !== 'partial' && op.wait) await catchUp(at)
      if (op.kind === 'restart') {
        await tailer.stop()
        for (const gen of model.generations) {
          if (gen.detached && gen.endedAt === null) model.end(gen, at)
        }
        tailer = fx.start(options, fx.sink.stored())
        model.startedAt = at
        continue
      }

      const name = FILES[op.file] ?? 'a.log'
      const path = fx.path(name)
      switch (op.kind) {
        case 'append': {
          const gen = model.gen(name, at)
          let text = gen.open === null ? '' : ` c${++model.seq}\n`
          for (let i = 0; i < op.lines; i++) text += model.line(gen, op.long)
          model.write(gen, path, text, at)
          break
        }
        case 'partial': {
          const gen = model.gen(name, at)
          const head = gen.open === null ? `${name} g${gen.id} p${++model.seq} ` : `+${++model.seq}`
          model.write(gen, path, head + 'y'.repeat(op.size), at)
          break
        }
        case 'rotate': {
          const gen = model.current.get(name)
          if (gen === undefined || gen === null) break
          const rotated = fx.path(`${name}.r${++model.rotations}.old`)
          renameSync(path, rotated)
          model.detach(gen, at)
          let late = gen.open === null ? '' : ` c${++model.seq}\n`
          for (let i = 0; i < op.late; i++) late += model.line(gen, false)
          if (late !== '') model.write(gen, rotated, late, at)
          model.create(name, at)
          break
        }
        case 'copytruncate':
        case 'truncate': {
          const gen = model.current.get(name)
          if (gen === undefined || gen === null) break
          if (op.kind === 'copytruncate')
            copyFileSync(path, fx.path(`${name}.c${++model.rotations}.old`))
          truncateSync(path, 0)
          model.end(gen, at)
          const next = model.create(name, at)
          // The same file goes on: model it as a new generation (other bytes, same inode).
          next.createdAt = gen.createdAt
          break
        }
        case 'delete':
        case 'recreate': {
          const gen = model.current.get(name)
          if (gen === undefined || gen === null) break
          unlinkSync(path)
          model.detach(gen, at)
          model.current.set(name, null)
          if (op.kind === 'recreate') {
            const next = model.create(name, at)
            model.write(next, path, model.line(next, false), at)
          }
          break
        }
      }
    }

    await catchUp(ops.length)
    check(model, fx.sink.events)
    if (process.env.ALIMS_MODEL_DEBUG === '1') {
      const required = model.generations.flatMap((g) => g.lines.filter((l) => model.required(g, l)))
      console.log(ops.map((o) => o.kind).join(','), fx.sink.events.length, required.length)
    }
  } finally {
    await tailer.stop()
    await fx.close()
  }
}

function expected(gen: Generation, event: LogEvent): boolean {
  if (event.end > gen.content.length || event.offset >= event.end) return false

  const bytes = gen.content.subarray(event.offset, event.end)
  const text = bytes.toString('utf8')

  return text === event.raw || text === `${event.raw}\n`
}

function check(model: Model, events: readonly LogEvent[]): void {
  const byGen = new Map<number, LogEvent[]>()
  for (const event of events) {
    const owners = model.generations.filter((g) => expected(g, event))
    // Nothing is delivered that was never written, and every event names one written place.
    expect(
      owners.map((g) => g.id),
      `owner of ${JSON.stringify(event.raw)} at ${event.offset}`,
    ).toHaveLength(1)
    const id = owners[0]?.id ?? -1
    byGen.set(id, [...(byGen.get(id) ?? []), event])
  }

  for (const gen of model.generations) {
    const delivered = byGen.get(gen.id) ?? []
    // Exactly once and in order: each event starts at or after the end of the one before.
    for (let i = 1; i < delivered.length; i++) {
      expect(delivered[i]!.offset, `order in generation ${gen.id}`).toBeGreaterThanOrEqual(
        delivered[i - 1]!.end,
      )
    }
    for (const line of gen.lines) {
      const pieces = delivered.filter((e) => e.offset < line.end && e.end > line.start)
      const required = model.required(gen, line)
      if (pieces.length === 0 && !required) continue

      // A delivered line is whole, or partial pieces that tile it from its start. Only an
      // optional line may stop early: its first part was handed on as partial, then the file
      // went away before the rest could be read.
      const where = `line ${line.start}-${line.end} of generation ${gen.id}`
      expect(pieces[0]?.offset, where).toBe(line.start)
      if (required) expect(pieces[pieces.length - 1]?.end, where).toBe(line.end)
      expect(
        pieces.every((p) => p.end === line.end || p.fields.partial === true),
        where,
      ).toBe(true)
      for (let i = 1; i < pieces.length; i++) expect(pieces[i]!.offset).toBe(pieces[i - 1]!.end)
    }
  }
}

describe('Tailer against a model of files', () => {
  it('delivers every line that existed long enough to be read exactly once, in order, and nothing else', async () => {
    const seed = Number(process.env.ALIMS_MODEL_SEED ?? 20261203)
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 30 }),
        fc.constantFrom(20, 600_000),
        run,
      ),
      { numRuns: Number(process.env.ALIMS_MODEL_RUNS ?? 40), seed },
    )
  }, 300_000)
})
