import { randomBytes } from 'node:crypto'

/** A ServiceNow record as the Table API stores it: every value a string. */
export type SnowRecord = Record<string, string>

/** Fields of each table the fake serves; a query naming another field is invalid. */
export const TABLE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  incident: [
    'sys_id',
    'number',
    'short_description',
    'description',
    'impact',
    'urgency',
    'priority',
    'state',
    'active',
    'correlation_id',
    'correlation_display',
    'caller_id',
    'assignment_group',
    'category',
    'cmdb_ci',
    'opened_by',
    'close_code',
    'close_notes',
    'work_notes',
    'sys_created_on',
    'sys_updated_on',
  ],
  sys_user: ['sys_id', 'user_name', 'name', 'active'],
  sys_user_group: ['sys_id', 'name', 'active'],
  cmdb_ci: ['sys_id', 'name'],
  sys_user_has_role: ['sys_id', 'user', 'role', 'user.user_name', 'role.name'],
  sys_journal_field: ['sys_id', 'element_id', 'element', 'name', 'value', 'sys_created_on'],
}

/** Reference fields of the incident table and the table each one points at. */
export const REFERENCES: Readonly<Record<string, string>> = {
  caller_id: 'sys_user',
  assignment_group: 'sys_user_group',
  cmdb_ci: 'cmdb_ci',
  opened_by: 'sys_user',
}

/** A new 32-character hex sys_id. */
export function newSysId(): string {
  return randomBytes(16).toString('hex')
}

/** ServiceNow's glide date-time format, in UTC. */
export function glideTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
}

/** ServiceNow's default priority lookup from impact and urgency (1 critical … 5 planning). */
export function derivePriority(impact: string, urgency: string): string {
  const sum = Number(impact || '3') + Number(urgency || '3')

  return String(Math.min(5, Math.max(1, sum - 1)))
}

/** True when a record matches an encoded query; null when the query names an unknown field. */
export function matchQuery(
  table: string,
  record: SnowRecord,
  query: string,
): { matches: boolean } | null {
  const fields = TABLE_FIELDS[table] ?? []
  let matches = true
  for (const term of query.split('^')) {
    if (term === '' || term.startsWith('ORDERBY')) continue

    const parsed = /^([a-z_.]+)(!=|=|STARTSWITH|LIKE)(.*)$/.exec(term)
    if (parsed === null) return null

    const [, field = '', op, value = ''] = parsed
    if (!fields.includes(field)) return null

    const actual = record[field] ?? ''
    const ok =
      op === '='
        ? actual === value
        : op === '!='
          ? actual !== value
          : op === 'STARTSWITH'
            ? actual.startsWith(value)
            : actual.toLowerCase().includes(value.toLowerCase())
    matches &&= ok
  }

  return { matches }
}

/** Seed data: the integration user, a group, a configuration item and the itil role grant. */
export function seedTables(user: string, hasItil: boolean): Map<string, SnowRecord[]> {
  const userId = newSysId()
  const tables = new Map<string, SnowRecord[]>([
    ['incident', []],
    [
      'sys_user',
      [
        { sys_id: userId, user_name: user, name: 'alims integration', active: 'true' },
        { sys_id: newSysId(), user_name: 'abel.tuter', name: 'Abel Tuter', active: 'true' },
      ],
    ],
    ['sys_user_group', [{ sys_id: newSysId(), name: 'Service Desk', active: 'true' }]],
    ['cmdb_ci', [{ sys_id: newSysId(), name: 'checkout-service' }]],
    ['sys_user_has_role', []],
    ['sys_journal_field', []],
  ])
  if (hasItil) {
    tables.get('sys_user_has_role')?.push({
      sys_id: newSysId(),
      user: userId,
      role: newSysId(),
      'user.user_name': user,
      'role.name': 'itil',
    })
  }

  return tables
}
