import { AppError } from '../../errors/app-error.js'

/** A 400 QUERY_INVALID error that says where in the query the problem is (0-based offset). */
export function queryError(message: string, position: number, expected?: string): AppError {
  return new AppError('QUERY_INVALID', `${message} at ${position}`, {
    status: 400,
    field: 'q',
    details: expected === undefined ? { position } : { position, expected },
  })
}

/** A 400 QUERY_INVALID error about the query as a whole (length, term count). */
export function queryLimitError(message: string): AppError {
  return new AppError('QUERY_INVALID', message, { status: 400, field: 'q' })
}
