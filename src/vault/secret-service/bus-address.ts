/**
 * Where the D-Bus session bus listens: DBUS_SESSION_BUS_ADDRESS (the first `unix:` entry with a path or an
 * abstract name; values %-escaped), else `$XDG_RUNTIME_DIR/bus` as GDBus does. Undefined when neither says.
 */
import {existsSync} from 'node:fs'
import {join} from 'node:path'

export function sessionBusSocket(env: NodeJS.ProcessEnv): string | undefined {
  const address = env.DBUS_SESSION_BUS_ADDRESS?.trim()
  if (address) return parseBusAddress(address)
  const runtime = env.XDG_RUNTIME_DIR
  if (runtime && existsSync(join(runtime, 'bus'))) return join(runtime, 'bus')
  return undefined
}

/** The socket path of the first usable entry; an abstract name comes back with its leading NUL (as node wants). */
export function parseBusAddress(address: string): string | undefined {
  for (const entry of address.split(';')) {
    const colon = entry.indexOf(':')
    if (colon === -1 || entry.slice(0, colon) !== 'unix') continue
    const keys = new Map<string, string>()
    for (const pair of entry.slice(colon + 1).split(',')) {
      const eq = pair.indexOf('=')
      if (eq > 0) keys.set(pair.slice(0, eq), unescapeValue(pair.slice(eq + 1)))
    }

    const path = keys.get('path')
    if (path) return path
    const abstract = keys.get('abstract')
    if (abstract) return `\0${abstract}`
  }

  return undefined
}

function unescapeValue(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
