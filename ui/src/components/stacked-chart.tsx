import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

/** One stacked layer of the chart, bottom first. */
export interface ChartLayer {
  label: string
  /** A CSS color with at least 3:1 contrast on white. */
  color: string
  values: number[]
}

export interface StackedChartProps {
  /** Bucket start times, epoch ms. */
  times: number[]
  layers: ChartLayer[]
  /** What the chart shows, for screen readers: the figures also appear as text nearby. */
  label: string
  height?: number
}

function cumulative(layers: ChartLayer[]): number[][] {
  const sums: number[][] = []
  let running: number[] = []
  for (const layer of layers) {
    running = layer.values.map((v, i) => v + (running[i] ?? 0))
    sums.push(running)
  }

  return sums
}

/**
 * Bars stacked per time bucket, drawn with uPlot. Each layer is drawn as the running total up to
 * it, topmost first, so lower layers paint over the upper ones; the legend shows each layer's
 * own value.
 */
export function StackedChart({ times, layers, label, height = 220 }: StackedChartProps) {
  const box = useRef<HTMLDivElement | null>(null)

  useEffect(() => {
    const element = box.current
    if (element === null) return

    const totals = cumulative(layers)
    const order = layers.map((_, i) => i).reverse()
    const bars = uPlot.paths.bars?.({ size: [0.8, 40], gap: 1 })
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height,
      cursor: { points: { show: false } },
      legend: { live: true },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      // Counts are whole numbers: ticks never fall between them.
      axes: [
        {},
        { size: 50, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 1e5, 1e6] },
      ],
      series: [
        {},
        ...order.map((i) => {
          const layer = layers[i] as ChartLayer

          return {
            label: layer.label,
            fill: layer.color,
            stroke: layer.color,
            width: 0,
            ...(bars === undefined ? {} : { paths: bars }),
            points: { show: false },
            value: (_u: uPlot, _v: number | null, _s: number, idx: number | null) =>
              idx === null ? '—' : String(layer.values[idx] ?? 0),
          }
        }),
      ],
    }
    const data: uPlot.AlignedData = [
      times.map((t) => t / 1000),
      ...order.map((i) => totals[i] ?? []),
    ]
    const plot = new uPlot(options, data, element)
    const observer = new ResizeObserver(() => {
      plot.setSize({ width: Math.max(200, element.clientWidth), height })
    })
    observer.observe(element)

    return () => {
      observer.disconnect()
      plot.destroy()
    }
  }, [times, layers, height])

  return <div className="chart" ref={box} role="img" aria-label={label} />
}
