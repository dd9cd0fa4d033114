/**
 * Earlier formats of workspace.json, each lifted to the next until the current one. Version 1: {version: 1,
 * sessions: [{name, type, region?, …the type's fields}]}, no ids, profiles or status, a chained session naming its
 * parent by `parent` (its name). Version 2: stable random ids, `parentId`, profile, status, startedAt and the
 * workspace's defaultRegion. Version 3 (current): the workspace's `integrations`, and on each session `mode` (how it
 * is served once started, null before) and `source` (the integration it was synced from, null when added by hand).
 */
import {randomUUID} from 'node:crypto'

import {DEFAULT_PROFILE, WORKSPACE_VERSION} from './session.js'
import {ShapeError} from './shape.js'

type Json = Record<string, unknown>

/** A file written by a newer terrace: never rewritten nor replaced by the last good copy. */
export class NewerVersionError extends Error {
  readonly version: number

  constructor(version: number) {
    super(`version ${version} is newer than this terrace knows (${WORKSPACE_VERSION})`)
    this.version = version
  }
}

function from1(raw: Json): Json {
  if (!Array.isArray(raw.sessions)) throw new ShapeError('sessions', 'missing or not a list (version 1)')
  const sessions = raw.sessions as unknown[]
  const ids = new Map<unknown, string>()
  for (const session of sessions) {
    if (typeof session === 'object' && session !== null) ids.set((session as Json).name, randomUUID())
  }

  return {
    defaultRegion: null,
    sessions: sessions.map((session, i) => {
      if (typeof session !== 'object' || session === null) return session
      const {parent, ...rest} = session as Json
      const next: Json = {
        ...rest,
        id: ids.get(rest.name),
        profile: DEFAULT_PROFILE,
        region: rest.region ?? null,
        startedAt: null,
        status: 'inactive',
      }
      if (rest.type === 'aws-iam-role-chained') {
        if (!ids.has(parent)) throw new ShapeError(`sessions[${i}].parent`, `no session is named ${String(parent)}`)
        next.parentId = ids.get(parent)
      }

      return next
    }),
    version: 2,
  }
}

/**
 * Version 2 knew no integrations; a session started once (active, pending, or stopped with a startedAt) was served
 * the only way there was: process.
 */
function from2(raw: Json): Json {
  if (raw.integrations !== undefined) throw new ShapeError('integrations', 'not a field of a version 2 workspace')
  if (!Array.isArray(raw.sessions)) return {...raw, integrations: [], version: 3}
  return {
    ...raw,
    integrations: [],
    sessions: (raw.sessions as unknown[]).map((session, i) => {
      if (typeof session !== 'object' || session === null) return session
      const {startedAt, status} = session as Json
      for (const key of ['mode', 'source']) {
        if (key in session) throw new ShapeError(`sessions[${i}].${key}`, 'not a field of a version 2 session')
      }

      const started = status === 'active' || status === 'pending' || (startedAt !== null && startedAt !== undefined)
      return {...session, mode: started ? 'process' : null, source: null}
    }),
    version: 3,
  }
}

/** How to lift a file of version N to N + 1. */
const MIGRATIONS: Record<number, (raw: Json) => Json> = {1: from1, 2: from2}

/** `raw` lifted to the current version (unchanged when already current); the shape is checked afterwards. */
export function migrate(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw
  let current = raw as Json
  const {version} = current
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new ShapeError('version', version === undefined ? 'missing' : `${JSON.stringify(version)} is not a version`)
  }

  if (version > WORKSPACE_VERSION) throw new NewerVersionError(version)
  for (let v = version; v < WORKSPACE_VERSION; v++) current = MIGRATIONS[v](current)
  return current
}
