import type {LayerContext} from './types.js'

const show = (value: boolean | null | string): string => (value === null ? '-' : String(value))

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)))
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd(),
  )
}

/** Human-readable `layer info`: an aligned key/value listing, the profiles table, then warnings. */
export function formatLayerContext(context: LayerContext): string {
  const pairs: Array<[string, string]> = [
    ['root', context.root],
    ['project', show(context.project)],
    ['location', context.disabled ? `${context.location} (disabled)` : context.location],
    ['layer', show(context.layer)],
    ['account', show(context.account)],
    ['account id', show(context.accountId)],
    ['region', show(context.region)],
    ['role', show(context.role)],
    ['backend profile', show(context.backendProfile)],
    ['backend config', show(context.backendConfig)],
  ]
  const width = Math.max(...pairs.map(([key]) => key.length), 'var files'.length)
  const lines = pairs.map(([key, value]) => `${key.padEnd(width)}  ${value}`)
  if (context.varFiles.length === 0) lines.push(`${'var files'.padEnd(width)}  -`)
  for (const [index, file] of context.varFiles.entries())
    lines.push(`${(index ? '' : 'var files').padEnd(width)}  ${file}`)

  lines.push('', 'profiles')
  if (context.profiles.length === 0) lines.push('  (none)')
  else
    lines.push(
      ...table([
        ['NAME', 'ACCOUNT', 'ACCOUNT ID', 'ROLE'],
        ...context.profiles.map((p) => [p.name, show(p.account), show(p.accountId), show(p.role)]),
      ]).map((line) => `  ${line}`),
    )

  if (context.warnings.length > 0) lines.push('', 'warnings', ...context.warnings.map((warning) => `  - ${warning}`))
  return lines.join('\n')
}
