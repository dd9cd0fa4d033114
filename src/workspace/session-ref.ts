/**
 * A session of the workspace as a role reference (pure): its links from the root session (an SSO role or an IAM
 * user) through every chained session, so auth/ gets its credentials without reading the workspace, and the agent
 * can serve it as any other ref. A chain that loops or is longer than MAX_SESSION_HOPS is a ConfigError (exit 4).
 */
import type {SessionLink, SessionRef} from '../lib/role-refs.js'
import type {Session, Workspace} from './session.js'

import {ConfigError} from '../lib/errors.js'
import {arnAccount, arnRole} from './patterns.js'
import {findSession} from './session-service.js'

/** AWS allows more, but a longer chain of sessions is almost certainly a mistake (as for role chains) */
export const MAX_SESSION_HOPS = 10

/** `terrace-<session name>`, within RoleSessionName's characters and length. */
export function defaultRoleSessionName(name: string): string {
  return `terrace-${name}`.replaceAll(/[^\w+=,.@-]/g, '-').slice(0, 64)
}

function link(session: Session): SessionLink {
  switch (session.type) {
    case 'aws-iam-role-chained': {
      const {externalId, id, roleArn} = session
      return {
        externalId,
        id,
        kind: 'assume',
        roleArn,
        roleSessionName: session.roleSessionName ?? defaultRoleSessionName(session.name),
      }
    }

    case 'aws-iam-user': {
      return {id: session.id, kind: 'iam-user', mfaSerial: session.mfaSerial}
    }

    case 'aws-sso-role': {
      const {accountId, accountName, id, roleName: role, ssoRegion, startUrl} = session
      return {accountId, accountName, id, kind: 'sso', role, ssoRegion, startUrl}
    }
  }
}

/** The sessions from the root to `session`, root first. */
export function sessionLineage(workspace: Workspace, session: Session): Session[] {
  const lineage = [session]
  let current = session
  while (current.type === 'aws-iam-role-chained') {
    const {parentId} = current
    if (lineage.length > MAX_SESSION_HOPS || lineage.some((s) => s.id === parentId)) {
      throw new ConfigError(
        `Session ${session.name} is chained ${lineage.length > MAX_SESSION_HOPS ? `more than ${MAX_SESSION_HOPS} hops deep` : 'in a loop'}.`,
        {suggestion: 'Fix the parents in workspace.json, or remove the chained sessions and add them again.'},
      )
    }

    current = findSession(workspace, parentId)
    lineage.unshift(current)
  }

  return lineage
}

export function sessionRef(workspace: Workspace, session: Session): SessionRef {
  const links = sessionLineage(workspace, session).map((s) => link(s))
  const last = links.at(-1)!
  const base = {
    kind: 'session' as const,
    links,
    name: session.name,
    session: session.id,
    source: `session ${session.name}`,
  }
  switch (last.kind) {
    case 'assume': {
      return {...base, account: null, accountId: arnAccount(last.roleArn), role: arnRole(last.roleArn)}
    }

    case 'iam-user': {
      return {...base, account: null, accountId: last.mfaSerial ? arnAccount(last.mfaSerial) : '', role: ''}
    }

    case 'sso': {
      return {...base, account: last.accountName, accountId: last.accountId, role: last.role}
    }
  }
}
