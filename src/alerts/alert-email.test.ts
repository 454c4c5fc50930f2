import { describe, expect, it } from 'vitest'

import { renderAlertEmail } from './alert-email.js'
import { DEFAULT_BODY, DEFAULT_SUBJECT } from './template.js'

const T0 = Date.UTC(2026, 0, 1)

describe('alert email', () => {
  it('renders the subject, text and HTML parts of an alert', () => {
    const email = renderAlertEmail({
      alert: {
        id: 12,
        name: 'Checkout <errors>',
        query: 'severity:HIGH service:checkout',
        subject: DEFAULT_SUBJECT,
        body: DEFAULT_BODY,
        includeSummary: true,
      },
      recipients: ['ops@example.com'],
      window: { from: T0, to: T0 + 300_000 },
      incidents: [
        {
          id: 7,
          severity: 'HIGH',
          status: 'open',
          title: 'ERROR <script>alert(1)</script> in "pay"',
          service: 'checkout',
          count: 42,
          lastSeenAt: T0 + 120_000,
          activityAt: T0 + 120_000,
        },
        {
          id: 3,
          severity: 'MEDIUM',
          status: 'open',
          title: 'WARN retry\r\nBcc: x@example.com',
          service: 'checkout',
          count: 1,
          lastSeenAt: T0 + 60_000,
          activityAt: T0 + 60_000,
        },
      ],
      total: 2,
      publicUrl: 'https://alims.example.com/',
      suppressedRuns: 1,
    })

    expect(email).toMatchInlineSnapshot(`
      {
        "html": "<!doctype html><html><body style="font-family:sans-serif;font-size:14px">
      <div>Alert &quot;Checkout &lt;errors&gt;&quot; found 2 new or recurring incidents<br>
      between 2026-01-01 00:00:00 UTC and 2026-01-01 00:05:00 UTC.<br>
      <br>
      <ul><li>[HIGH] <a href="https://alims.example.com/incidents/7">ERROR &lt;script&gt;alert(1)&lt;/script&gt; in &quot;pay&quot;</a> (42×, last seen 2026-01-01 00:02:00 UTC)</li><li>[MEDIUM] <a href="https://alims.example.com/incidents/3">WARN retry Bcc: x@example.com</a> (1×, last seen 2026-01-01 00:01:00 UTC)</li></ul><br>
      <br>
      Open them in alims: <a href="https://alims.example.com/incidents?q=severity%3AHIGH%20service%3Acheckout">https://alims.example.com/incidents?q=severity%3AHIGH%20service%3Acheckout</a></div>
      <p><em>The storm guard held back 1 earlier run of this alert; this email includes their incidents.</em></p>
      <hr>
      <p>Search: <code>severity:HIGH service:checkout</code><br>
      Window: 2026-01-01 00:00:00 UTC – 2026-01-01 00:05:00 UTC</p>
      <table style="border-collapse:collapse"><thead><tr><th style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:left">Severity</th><th style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:left">Title</th><th style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:left">Count</th><th style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:left">Last seen</th></tr></thead><tbody><tr><td style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:left">HIGH</td><td style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:left"><a href="https://alims.example.com/incidents/7">ERROR &lt;script&gt;alert(1)&lt;/script&gt; in &quot;pay&quot;</a></td><td style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:left">42</td><td style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:left">2026-01-01 00:02:00 UTC</td></tr><tr><td style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:left">MEDIUM</td><td style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:left"><a href="https://alims.example.com/incidents/3">WARN retry Bcc: x@example.com</a></td><td style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:left">1</td><td style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:left">2026-01-01 00:01:00 UTC</td></tr></tbody></table>
      </body></html>
      ",
        "messageId": "<alert-12-1767225600000@alims>",
        "subject": "[alims] Checkout <errors>: 2 new or recurring incidents",
        "text": "Alert "Checkout <errors>" found 2 new or recurring incidents
      between 2026-01-01 00:00:00 UTC and 2026-01-01 00:05:00 UTC.

      - [HIGH] ERROR <script>alert(1)</script> in "pay" (42×, last seen 2026-01-01 00:02:00 UTC) https://alims.example.com/incidents/7
      - [MEDIUM] WARN retry Bcc: x@example.com (1×, last seen 2026-01-01 00:01:00 UTC) https://alims.example.com/incidents/3

      Open them in alims: https://alims.example.com/incidents?q=severity%3AHIGH%20service%3Acheckout

      The storm guard held back 1 earlier run of this alert; this email includes their incidents.

      --
      Search: severity:HIGH service:checkout
      Window: 2026-01-01 00:00:00 UTC – 2026-01-01 00:05:00 UTC

      SEVERITY    COUNT  LAST SEEN                TITLE
      HIGH           42  2026-01-01 00:02:00 UTC  ERROR <script>alert(1)</script> in "pay"  https://alims.example.com/incidents/7
      MEDIUM          1  2026-01-01 00:01:00 UTC  WARN retry Bcc: x@example.com  https://alims.example.com/incidents/3
      ",
        "to": [
          "ops@example.com",
        ],
      }
    `)
  })

  it('lists how many more incidents matched than it shows', () => {
    const email = renderAlertEmail({
      alert: {
        id: 1,
        name: 'a',
        query: '',
        subject: '{{count}} {{query}}',
        body: '{{incidents}}',
        includeSummary: false,
      },
      recipients: ['ops@example.com'],
      window: { from: T0, to: T0 + 1 },
      incidents: [
        {
          id: 1,
          severity: 'LOW',
          status: 'open',
          title: 't',
          service: 's',
          count: 1,
          lastSeenAt: T0,
          activityAt: T0,
        },
      ],
      total: 1500,
      publicUrl: 'http://localhost:8080',
    })
    expect(email.subject).toBe('1500 (all incidents)')
    expect(email.text).toContain('… and 1499 more')
  })
})
