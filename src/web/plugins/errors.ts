import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'

import { isAppError } from '../../errors/app-error.js'
import type { WebApp } from '../web-deps.js'

/** The body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; field?: string }
}

interface ValidationIssue {
  instancePath?: string
  message?: string
  params?: Record<string, unknown>
}

// "/items/0/name" → "items[0].name", prefixed by where it was: body, querystring, params.
function fieldName(issue: ValidationIssue, context: string | undefined): string {
  const path = (issue.instancePath ?? '')
    .split('/')
    .filter((part) => part !== '')
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')
  const extra = issue.params?.missingProperty ?? issue.params?.additionalProperty
  const leaf = typeof extra === 'string' ? `.${extra}` : ''
  const name = `${path}${leaf}`.replace(/^\./, '')

  return name === '' ? (context ?? 'body') : context === 'body' ? name : `${context ?? ''}.${name}`
}

function validationBody(error: FastifyError): ErrorBody {
  const issue = (error.validation?.[0] ?? {}) as ValidationIssue
  const field = fieldName(issue, error.validationContext)
  const missing = issue.params?.missingProperty
  const message =
    typeof missing === 'string'
      ? `${field} is required`
      : `${field} ${issue.message ?? 'is invalid'}`

  return { error: { code: 'VALIDATION_FAILED', message, field } }
}

// Fastify's own client errors, with codes that say what to fix.
const CLIENT_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
}

/** Sends `{error: {code, message}}`; never a stack trace. */
export function sendError(reply: FastifyReply, status: number, body: ErrorBody): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(body)
}

/**
 * One error shape for the whole API: AppErrors keep their code and status, validation errors
 * name the field, Fastify's client errors get a code, and anything else is a logged 500 whose
 * details stay in the log.
 */
export function registerErrorHandler(app: WebApp): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (isAppError(error)) {
      const retryAfter = error.details?.retryAfter
      if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter))
      if (error.status >= 500) request.log.error({ err: error }, 'request failed')

      return sendError(reply, error.status, {
        error: {
          code: error.code,
          message: error.message,
          ...(error.field === undefined ? {} : { field: error.field }),
        },
      })
    }

    if (error.validation !== undefined) return sendError(reply, 400, validationBody(error))

    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      return sendError(reply, status, {
        error: { code: CLIENT_CODES[status] ?? 'BAD_REQUEST', message: error.message },
      })
    }

    request.log.error({ err: error }, 'request failed')

    return sendError(reply, 500, {
      error: { code: 'INTERNAL', message: 'internal error: the server log has the details' },
    })
  })
}
