import { Type } from '@sinclair/typebox'

const RunStatus = Type.Union([
  Type.Literal('running'),
  Type.Literal('sent'),
  Type.Literal('nothing_new'),
  Type.Literal('failed'),
  Type.Literal('outbox'),
  Type.Literal('suppressed'),
])
const Time = Type.String({ format: 'date-time' })
const Timezone = Type.String({ description: 'IANA time zone, default UTC', maxLength: 64 })

/** The four schedule kinds of an alert. */
export const ScheduleSchema = Type.Union([
  Type.Object({
    kind: Type.Literal('interval'),
    minutes: Type.Integer({ minimum: 1, maximum: 10_080 }),
  }),
  Type.Object({ kind: Type.Literal('hourly'), hours: Type.Integer({ minimum: 1, maximum: 24 }) }),
  Type.Object({
    kind: Type.Literal('daily'),
    days: Type.Array(Type.String(), { description: 'weekdays: mon … sun; all when left out' }),
    at: Type.String({ description: 'HH:MM, 24 h, in the time zone' }),
    timezone: Timezone,
  }),
  Type.Object({ kind: Type.Literal('cron'), cron: Type.String(), timezone: Timezone }),
])

/** A schedule in a request: kinds and fields are checked by the alert validator, naming the field. */
const ScheduleBody = Type.Object(
  {
    kind: Type.Union([
      Type.Literal('interval'),
      Type.Literal('hourly'),
      Type.Literal('daily'),
      Type.Literal('cron'),
    ]),
    minutes: Type.Optional(Type.Integer()),
    hours: Type.Optional(Type.Integer()),
    days: Type.Optional(Type.Array(Type.String({ maxLength: 16 }), { maxItems: 7 })),
    at: Type.Optional(Type.String({ maxLength: 5 })),
    cron: Type.Optional(Type.String({ maxLength: 200 })),
    timezone: Type.Optional(Timezone),
  },
  { additionalProperties: false },
)

const definitionFields = {
  name: Type.String({ maxLength: 200 }),
  query: Type.String({
    maxLength: 2000,
    description: 'the search language; empty: every incident',
  }),
  recipients: Type.Array(Type.String({ maxLength: 254 }), { maxItems: 50 }),
  subject: Type.String({
    maxLength: 1000,
    description:
      'template: {{alert.name}} {{count}} {{query}} {{window.from}} {{window.to}} {{incidents}} {{link}}',
  }),
  body: Type.String({
    maxLength: 20_000,
    description: 'template, same placeholders as the subject',
  }),
  includeSummary: Type.Boolean({
    description: 'append the search, the window and a table of up to 20 incidents',
  }),
  minOccurrences: Type.Integer({
    minimum: 1,
    description: 'send only with at least this many occurrences',
  }),
  schedule: ScheduleSchema,
  enabled: Type.Boolean(),
  missedPolicy: Type.Union([Type.Literal('catch_up'), Type.Literal('skip')], {
    description: 'after downtime: one catch-up run at once, or wait for the next scheduled time',
  }),
  maxPerHour: Type.Integer({
    minimum: 1,
    description: 'storm guard: most emails per rolling hour',
  }),
}

/** A new alert or an edit; on PUT, fields left out keep their value. */
export const AlertBody = Type.Partial(
  Type.Object({ ...definitionFields, schedule: ScheduleBody }),
  {
    additionalProperties: false,
  },
)

/** A draft for the preview: like AlertBody, and recipients may be incomplete. */
export const PreviewBody = Type.Partial(
  Type.Object({
    ...definitionFields,
    schedule: ScheduleBody,
    recipients: Type.Array(Type.String()),
  }),
  { additionalProperties: false },
)

export const AlertSchema = Type.Object({
  id: Type.Integer(),
  ...definitionFields,
  lastTriggered: Time,
  nextRunAt: Type.Union([Time, Type.Null()]),
  lastRun: Type.Optional(
    Type.Union([Type.Object({ status: RunStatus, startedAt: Time }), Type.Null()], {
      description: 'the latest scheduled or manual run (lists and single alerts)',
    }),
  ),
  createdAt: Time,
  updatedAt: Time,
})

export const RunSchema = Type.Object({
  id: Type.Integer(),
  alertId: Type.Integer(),
  trigger: Type.Union([Type.Literal('schedule'), Type.Literal('manual'), Type.Literal('test')]),
  status: RunStatus,
  startedAt: Time,
  finishedAt: Type.Union([Time, Type.Null()]),
  windowFrom: Time,
  windowTo: Time,
  matched: Type.Integer(),
  incidentIds: Type.Array(Type.Integer()),
  recipients: Type.Array(Type.String()),
  messageId: Type.Union([Type.String(), Type.Null()]),
  smtpReply: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  attempts: Type.Integer(),
  possibleDuplicate: Type.Boolean(),
})

export const RunListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'a run id: older runs only' })),
    status: Type.Optional(RunStatus),
  },
  { additionalProperties: false },
)

export const PreviewSchema = Type.Object({
  subject: Type.String(),
  text: Type.String(),
  html: Type.String(),
  matched: Type.Integer(),
  windowFrom: Time,
  windowTo: Time,
  nextRuns: Type.Array(Time),
})
