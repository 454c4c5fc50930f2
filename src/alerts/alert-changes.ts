import { EventEmitter } from 'node:events'

/**
 * In-process signal that an alert was created, edited, enabled, disabled or deleted, so a
 * scheduler in this process looks at the database at once instead of at its next poll.
 * Schedulers in other processes learn of the change from `next_run_at` at their next poll.
 */
export const alertChanges = new EventEmitter<{ changed: [alertId: number] }>()
alertChanges.setMaxListeners(100)
