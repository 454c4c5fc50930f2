import { FakeServiceNow } from './servicenow-table-api.js'

/**
 * Runs the fake ServiceNow Table API for demos: `npm run fake:servicenow`.
 * FAKE_SNOW_PORT (default 8090), SNOW_USER and SNOW_PASS set the credentials it accepts;
 * SNOW_CLIENT_ID and SNOW_CLIENT_SECRET enable the OAuth token endpoint.
 * Faults are scripted with POST /_fake/faults {"fault":{"kind":"html-503"},"times":3}.
 */
const env = process.env
const clientId = env.SNOW_CLIENT_ID
const clientSecret = env.SNOW_CLIENT_SECRET
const fake = await FakeServiceNow.start({
  port: Number(env.FAKE_SNOW_PORT ?? '8090'),
  user: env.SNOW_USER ?? 'alims',
  password: env.SNOW_PASS ?? 'alims-password',
  ...(clientId !== undefined && clientSecret !== undefined
    ? { oauth: { clientId, clientSecret } }
    : {}),
})
process.stdout.write(
  `fake ServiceNow listening on ${fake.url}\nset SNOW_INSTANCE=${fake.url} SNOW_USER and SNOW_PASS to the same values\n`,
)
const stop = (): void => {
  void fake.close().then(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
