// prom-client's index also loads its Pushgateway (http, https, zlib), cluster aggregation and
// the OpenTelemetry API; alims uses four of its classes, loaded from their own modules. The
// package publishes types for its index only: these modules export the same classes.
declare module 'prom-client/lib/registry.js' {
  import { Registry } from 'prom-client'
  export default Registry
}
declare module 'prom-client/lib/counter.js' {
  import { Counter } from 'prom-client'
  export default Counter
}
declare module 'prom-client/lib/gauge.js' {
  import { Gauge } from 'prom-client'
  export default Gauge
}
declare module 'prom-client/lib/histogram.js' {
  import { Histogram } from 'prom-client'
  export default Histogram
}
