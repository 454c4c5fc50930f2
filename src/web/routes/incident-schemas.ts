import { Type } from '@sinclair/typebox'

const Time = Type.String({ format: 'date-time' })
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) =>
  Type.Union([schema, Type.Null()])

export const SeveritySchema = Type.Union([
  Type.Literal('HIGH'),
  Type.Literal('MEDIUM'),
  Type.Literal('LOW'),
])

export const StatusSchema = Type.Union([
  Type.Literal('open'),
  Type.Literal('acknowledged'),
  Type.Literal('resolved'),
  Type.Literal('ignored'),
])

/** The incident JSON of DESIGN.md, as the API returns it. */
export const IncidentSchema = Type.Object({
  id: Type.Integer(),
  severity: SeveritySchema,
  status: StatusSchema,
  title: Type.String(),
  message: Type.String(),
  template: Type.String(),
  fingerprint: Type.String(),
  source: Type.String(),
  service: Type.String(),
  rule: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  firstSeen: Time,
  lastSeen: Time,
  count: Type.Integer(),
  isRegression: Type.Boolean(),
  regressionCount: Type.Integer(),
  createdAt: Time,
  activityAt: Time,
  updatedAt: Time,
  statusChangedAt: Nullable(Time),
  statusChangedBy: Nullable(Type.String()),
  ticket: Type.Union([
    Type.Object({
      number: Nullable(Type.String()),
      sysId: Nullable(Type.String()),
      state: Type.Union([Type.Literal('pending'), Type.Literal('created'), Type.Literal('failed')]),
      url: Nullable(Type.String()),
      error: Nullable(Type.String()),
      attempts: Type.Integer(),
      nextAttemptAt: Nullable(Time),
    }),
    Type.Null(),
  ]),
})

export const IncidentPageSchema = Type.Object({
  items: Type.Array(IncidentSchema),
  next: Nullable(Type.String({ description: 'cursor of the next page; null on the last page' })),
})

export const HistoryEntrySchema = Type.Object({
  at: Time,
  from: Type.String(),
  to: Type.String(),
  actor: Nullable(Type.String()),
  reason: Nullable(Type.String()),
})

export const IncidentEventSchema = Type.Object({
  id: Type.Integer(),
  kind: Type.Union([Type.Literal('first'), Type.Literal('latest')]),
  timestamp: Time,
  receivedAt: Time,
  source: Type.String(),
  offset: Type.Integer(),
  level: Type.String(),
  message: Type.String(),
  raw: Type.String(),
  fields: Type.Record(Type.String(), Type.Unknown()),
})

export const SearchQuerySchema = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 10_000, description: 'the search language' })),
  severity: Type.Optional(Type.String({ description: 'comma-separated: HIGH,MEDIUM,LOW' })),
  status: Type.Optional(Type.String({ description: 'comma-separated statuses' })),
  service: Type.Optional(Type.String({ description: 'comma-separated services; * wildcards' })),
  from: Type.Optional(Type.String({ description: 'ISO 8601, epoch ms, now-1h or -7d' })),
  to: Type.Optional(Type.String()),
  sort: Type.Optional(
    Type.String({ description: 'activity, lastSeen, firstSeen, count, severity' }),
  ),
  order: Type.Optional(Type.String({ description: 'asc or desc (default desc)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  cursor: Type.Optional(Type.String({ maxLength: 1000 })),
})
