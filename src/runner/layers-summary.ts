/** The summary of a `--layers` run: a table for people (stderr) or JSON for scripts (stdout). */
export type LayerStatus = 'failed' | 'ok' | 'skipped'

export interface LayerOutcome {
  /** null when the layer was skipped */
  durationMs: null | number
  exitCode: null | number
  /** path relative to the folder the run started from */
  layer: string
  status: LayerStatus
}

export interface LayersSummary {
  exitCode: number
  layers: LayerOutcome[]
}

function seconds(ms: null | number): string {
  return ms === null ? '-' : `${(ms / 1000).toFixed(1)}s`
}

export function formatSummaryTable(summary: LayersSummary): string {
  const rows = [
    ['LAYER', 'STATUS', 'EXIT', 'DURATION'],
    ...summary.layers.map((l) => [
      l.layer,
      l.status,
      l.exitCode === null ? '-' : String(l.exitCode),
      seconds(l.durationMs),
    ]),
  ]
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)))
  const lines = rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd(),
  )
  const counts = (status: LayerStatus) => summary.layers.filter((l) => l.status === status).length
  lines.push(
    `${counts('ok')} ok, ${counts('failed')} failed, ${counts('skipped')} skipped; exit code ${summary.exitCode}`,
  )
  return `${lines.join('\n')}\n`
}

export function formatSummaryJson(summary: LayersSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`
}
