import type { Random } from './random.js'
import { v } from './values.js'

/** One kind of message: its label and a generator of instances with varying values. */
export interface MessageKind {
  label: string
  level: 'info' | 'warn' | 'error'
  text: (r: Random) => string
}

const REASONS = ['mailbox full', 'connection reset', 'rejected by policy', 'unknown recipient']

/** Message kinds shared by the line formats; each format uses a subset under its own labels. */
export const MESSAGES: readonly MessageKind[] = [
  {
    label: 'connect-failed',
    level: 'error',
    text: (r) => `Failed to connect to ${v.host(r)}:${v.port(r)} after ${v.ms(r)}`,
  },
  {
    label: 'connect-refused',
    level: 'error',
    text: (r) => `connection refused from ${r.ip()}:${v.port(r)}`,
  },
  {
    label: 'parse-failed',
    level: 'error',
    text: (r) => `Failed to parse ${v.file(r)} at line ${v.id(r)}`,
  },
  { label: 'null-values', level: 'error', text: () => 'null values found' },
  { label: 'file-missing', level: 'error', text: (r) => `file missing: ${v.file(r)}` },
  {
    label: 'order-failed',
    level: 'error',
    text: (r) => `order ${v.order(r)} failed: payment declined for customer ${v.id(r)}`,
  },
  {
    label: 'timed-out',
    level: 'warn',
    text: (r) => `request ${r.uuid()} timed out after ${v.sec(r)}`,
  },
  {
    label: 'slow-query',
    level: 'warn',
    text: (r) => `slow query table=${v.table(r)} took ${v.ms(r)} rows=${v.id(r)}`,
  },
  { label: 'login', level: 'info', text: (r) => `user ${v.email(r)} logged in from ${r.ip()}` },
  {
    label: 'retry',
    level: 'warn',
    text: (r) => `retrying job ${v.job(r)} in ${v.sec(r)} (attempt ${r.int(1, 5)}/5)`,
  },
  { label: 'cache-miss', level: 'info', text: (r) => `cache miss for key session:${r.hex(12)}` },
  {
    label: 'upstream',
    level: 'error',
    text: (r) => `upstream ${v.host(r)} returned status ${r.pick([500, 502, 503, 504])}`,
  },
  {
    label: 'heap',
    level: 'warn',
    text: (r) => `heap usage ${v.pct(r)} exceeds threshold of ${r.int(70, 90)}%`,
  },
  {
    label: 'deployed',
    level: 'info',
    text: (r) => `deployment ${r.uuid()} finished in ${v.sec(r)}`,
  },
  {
    label: 'mail-failed',
    level: 'error',
    text: (r) => `sending mail to ${v.email(r)} failed: "${r.pick(REASONS)}"`,
  },
  {
    label: 'validation',
    level: 'warn',
    text: (r) => `validation failed for field 'email' value '${v.email(r)}'`,
  },
  {
    label: 'queue-depth',
    level: 'warn',
    text: (r) => `queue depth ${v.id(r)} above limit on ${v.host(r)}`,
  },
  {
    label: 'tls',
    level: 'warn',
    text: (r) => `TLS handshake error from ${r.ip()}:${v.port(r)}: EOF`,
  },
  {
    label: 'rate-limit',
    level: 'warn',
    text: (r) => `rate limit exceeded for api key ${r.hex(32)}`,
  },
  {
    label: 'lock',
    level: 'error',
    text: (r) => `could not acquire lock ${r.uuid()} within ${v.ms(r)}`,
  },
  { label: 'config', level: 'info', text: () => 'config reloaded from /etc/app/config.yaml' },
  { label: 'listening', level: 'info', text: (r) => `server listening on 0.0.0.0:${v.port(r)}` },
  {
    label: 'webhook',
    level: 'error',
    text: (r) => `POST https://hooks.example.com/services/${r.hex(10)}/${r.hex(8)} returned 500`,
  },
  {
    label: 'disk',
    level: 'warn',
    text: (r) => `disk usage at ${v.pct(r)} on /dev/nvme${r.int(0, 3)}n1`,
  },
  {
    label: 'batch-done',
    level: 'info',
    text: (r) => `processed ${v.id(r)} records in ${v.ms(r)} (${v.bytes(r)} bytes)`,
  },
  {
    label: 'checkpoint',
    level: 'info',
    text: (r) => `checkpoint saved at ${v.iso(r)} offset ${v.bytes(r)}`,
  },
  // Near twins of messages above: one word apart, they are different problems.
  { label: 'logout', level: 'info', text: (r) => `user ${v.email(r)} logged out from ${r.ip()}` },
  {
    label: 'connect-timeout',
    level: 'error',
    text: (r) => `Failed to connect to ${v.host(r)}:${v.port(r)} within ${v.ms(r)}`,
  },
  { label: 'file-empty', level: 'warn', text: (r) => `file empty: ${v.file(r)}` },
  {
    label: 'session',
    level: 'info',
    text: (r) => `session ${r.hex(24)} expired for user_id=${v.user(r)}`,
  },
]

/** sshd, cron and kernel messages for the syslog formats. */
export const SYSLOG_MESSAGES: readonly (MessageKind & { program: string })[] = [
  // Unquoted user names are words, not values: masking alone keeps one group per name.
  {
    label: 'ssh-accepted',
    level: 'info',
    program: 'sshd',
    text: (r) => `Accepted publickey for ${v.name(r)} from ${r.ip()} port ${v.port(r)} ssh2`,
  },
  {
    label: 'ssh-invalid',
    level: 'warn',
    program: 'sshd',
    text: (r) => `Invalid user from ${r.ip()} port ${v.port(r)}`,
  },
  {
    label: 'cron',
    level: 'info',
    program: 'CRON',
    text: (r) => `(root) CMD (/usr/local/bin/backup.sh --since ${v.iso(r)})`,
  },
  {
    label: 'oom',
    level: 'error',
    program: 'kernel',
    text: (r) =>
      `Out of memory: Killed process ${r.int(100, 99999)} (java) total-vm:${v.bytes(r)}kB`,
  },
  {
    label: 'dhcp',
    level: 'info',
    program: 'dhclient',
    text: (r) => `DHCPACK of ${r.ip()} from ${r.ip()}`,
  },
  {
    label: 'systemd',
    level: 'info',
    program: 'systemd',
    text: (r) => `Started Session ${r.int(1, 9999)} of user root.`,
  },
]
