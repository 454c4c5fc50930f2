import { WEEKDAYS, type Schedule, type Weekday } from './alert-types.js'

const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone

function switchKind(kind: Schedule['kind'], current: Schedule): Schedule {
  const timezone = 'timezone' in current ? current.timezone : ZONE
  switch (kind) {
    case 'interval':
      return { kind, minutes: 15 }
    case 'hourly':
      return { kind, hours: 1 }
    case 'daily':
      return { kind, days: [...WEEKDAYS], at: '09:00', timezone }
    case 'cron':
      return { kind, cron: '0 9 * * 1-5', timezone }
  }
}

/** The schedule part of the alert form: kind, then the fields of that kind. */
export function ScheduleFields({
  value,
  onChange,
}: {
  value: Schedule
  onChange: (schedule: Schedule) => void
}) {
  return (
    <fieldset className="schedule-fields">
      <legend>Schedule</legend>
      <label htmlFor="alert-schedule-kind">Runs</label>
      <select
        id="alert-schedule-kind"
        value={value.kind}
        onChange={(e) => {
          onChange(switchKind(e.target.value as Schedule['kind'], value))
        }}
      >
        <option value="interval">every N minutes</option>
        <option value="hourly">every N hours</option>
        <option value="daily">daily at a time</option>
        <option value="cron">cron expression</option>
      </select>
      {value.kind === 'interval' && (
        <>
          <label htmlFor="alert-minutes">Minutes between runs</label>
          <input
            id="alert-minutes"
            type="number"
            min={1}
            max={10080}
            value={value.minutes}
            onChange={(e) => {
              onChange({ ...value, minutes: Number(e.target.value) })
            }}
          />
        </>
      )}
      {value.kind === 'hourly' && (
        <>
          <label htmlFor="alert-hours">Hours between runs</label>
          <input
            id="alert-hours"
            type="number"
            min={1}
            max={24}
            value={value.hours}
            onChange={(e) => {
              onChange({ ...value, hours: Number(e.target.value) })
            }}
          />
        </>
      )}
      {value.kind === 'daily' && (
        <>
          <label htmlFor="alert-at">At (HH:MM)</label>
          <input
            id="alert-at"
            type="time"
            value={value.at}
            onChange={(e) => {
              onChange({ ...value, at: e.target.value })
            }}
          />
          <div role="group" aria-label="Weekdays" className="weekdays">
            {WEEKDAYS.map((day) => (
              <label key={day}>
                <input
                  type="checkbox"
                  checked={value.days.includes(day)}
                  onChange={(e) => {
                    const days: Weekday[] = e.target.checked
                      ? [...value.days, day]
                      : value.days.filter((d) => d !== day)
                    onChange({ ...value, days })
                  }}
                />{' '}
                {day}
              </label>
            ))}
          </div>
        </>
      )}
      {value.kind === 'cron' && (
        <>
          <label htmlFor="alert-cron">Cron expression (minute hour day month weekday)</label>
          <input
            id="alert-cron"
            spellCheck={false}
            value={value.cron}
            onChange={(e) => {
              onChange({ ...value, cron: e.target.value })
            }}
          />
        </>
      )}
      {(value.kind === 'daily' || value.kind === 'cron') && (
        <>
          <label htmlFor="alert-timezone">Time zone</label>
          <input
            id="alert-timezone"
            spellCheck={false}
            value={value.timezone}
            onChange={(e) => {
              onChange({ ...value, timezone: e.target.value })
            }}
          />
        </>
      )}
    </fieldset>
  )
}
