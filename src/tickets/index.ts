/** The tickets module: the outbox written by the store, its drainer, and the admin functions. */
export {
  DEFAULT_NOTE_INTERVAL_MS,
  enqueueTicketWork,
  shouldOpenTicket,
  ticketPolicy,
  ticketStoreHooks,
  type TicketPolicy,
  type TicketWork,
  type TicketWorkKind,
} from './outbox.js'
export { startTicketDrainer, TicketDrainer, type TicketDrainerOptions } from './ticket-drainer.js'
export {
  listOutbox,
  retryNow,
  type ListOutboxOptions,
  type OutboxItem,
  type OutboxPage,
  type OutboxState,
} from './outbox-admin.js'
export { testConnection, type ConnectionCheck, type ConnectionReport } from './connection-test.js'
export { TicketError, type TicketErrorCode } from './ticket-error.js'
