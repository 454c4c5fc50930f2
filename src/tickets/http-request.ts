import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { rootCertificates } from 'node:tls'

/** Why a request produced no complete response. */
export type TransportFailure = 'connect-timeout' | 'timeout' | 'refused' | 'reset' | 'tls' | 'dns'

/** A request that ended without a complete HTTP response; never carries headers or bodies. */
export class TransportError extends Error {
  readonly failure: TransportFailure

  constructor(failure: TransportFailure, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = 'TransportError'
    this.failure = failure
  }
}

export interface HttpResponse {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH'
  url: URL
  headers: Record<string, string>
  body?: string
}

export interface HttpClientOptions {
  /** Extra trusted CA certificates (PEM), added to Node's bundled roots. */
  ca: string | null
  connectTimeoutMs: number
  /** Whole request: connect, send, and read the full body. */
  timeoutMs: number
  maxSockets: number
}

/** A small HTTP(S) client with connect and total timeouts and always-verified TLS. */
export class HttpClient {
  readonly #options: HttpClientOptions
  readonly #https: HttpsAgent
  readonly #http: HttpAgent

  constructor(options: HttpClientOptions) {
    this.#options = options
    this.#https = new HttpsAgent({
      keepAlive: true,
      maxSockets: options.maxSockets,
      rejectUnauthorized: true,
      ...(options.ca === null ? {} : { ca: [...rootCertificates, options.ca] }),
    })
    this.#http = new HttpAgent({ keepAlive: true, maxSockets: options.maxSockets })
  }

  /** Sends one request; rejects with TransportError when no complete response arrives. */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const secure = request.url.protocol === 'https:'
    const send = secure ? httpsRequest : httpRequest
    const { connectTimeoutMs, timeoutMs } = this.#options

    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false
      const fail = (error: TransportError): void => {
        if (settled) return

        settled = true
        clearTimeout(total)
        clearTimeout(connect)
        req.destroy()
        reject(error)
      }
      const req = send(request.url, {
        method: request.method,
        headers: request.headers,
        agent: secure ? this.#https : this.#http,
      })
      const total = setTimeout(() => {
        fail(new TransportError('timeout', `no complete response within ${timeoutMs} ms`))
      }, timeoutMs)
      const connect = setTimeout(() => {
        fail(new TransportError('connect-timeout', `no connection within ${connectTimeoutMs} ms`))
      }, connectTimeoutMs)
      req.on('socket', (socket) => {
        const connected = (): void => {
          clearTimeout(connect)
        }
        // A reused keep-alive socket is already connected.
        if (!socket.connecting) connected()
        else socket.once(secure ? 'secureConnect' : 'connect', connected)
      })
      req.on('error', (error) => {
        fail(classify(error))
      })
      req.on('response', (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', (error) => {
          fail(classify(error))
        })
        res.on('aborted', () => {
          fail(new TransportError('reset', 'connection closed before the response was complete'))
        })
        res.on('end', () => {
          if (settled) return
          if (!res.complete) {
            fail(new TransportError('reset', 'connection closed before the response was complete'))

            return
          }

          settled = true
          clearTimeout(total)
          clearTimeout(connect)
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          })
        })
      })
      req.end(request.body)
    })
  }

  close(): void {
    this.#https.destroy()
    this.#http.destroy()
  }
}

function classify(error: Error): TransportError {
  const code = (error as NodeJS.ErrnoException).code ?? ''
  if (code === 'ECONNREFUSED') return new TransportError('refused', 'connection refused', error)
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new TransportError('dns', `host name lookup failed (${code})`, error)
  }
  if (/CERT|SELF_SIGNED|TLS|SSL|ERR_TLS/.test(code) || /certificate/i.test(error.message)) {
    return new TransportError('tls', `TLS verification failed (${code || error.message})`, error)
  }

  return new TransportError('reset', `connection failed (${code || error.message})`, error)
}
