import { counter, gauge } from '../../observability/metrics.js'

/** Prometheus metrics of the tail and split stages. */
export const ingestMetrics = {
  linesRead: counter('alims_lines_read_total', 'Lines read from watched files'),
  bytesRead: counter('alims_bytes_read_total', 'Bytes read from watched files'),
  linesGated: counter(
    'alims_lines_gated_total',
    'Lines passed over undecoded: the rules in force could make no incident of them',
  ),
  linesFlagged: counter(
    'alims_lines_skipped_total',
    'Lines handed on altered or only in part, by reason (truncated_line, invalid_utf8, partial_line)',
    ['reason'],
  ),
  bytesSkipped: counter(
    'alims_bytes_skipped_total',
    'Bytes not turned into lines, by reason (nul_bytes, lost_bytes)',
    ['reason'],
  ),
  rotations: counter(
    'alims_file_rotations_total',
    'Files seen renamed, deleted or truncated, by kind',
    ['kind'],
  ),
  readErrors: counter('alims_file_read_errors_total', 'Failed reads of watched files'),
  filesWatched: gauge('alims_files_watched', 'Files the tailer currently follows'),
  openFiles: gauge('alims_files_open', 'File handles the tailer holds open'),
}
