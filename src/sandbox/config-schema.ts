/**
 * The shape of the sandbox configuration JSON (docs/sandbox.md): which keys exist and what type each holds.
 * normaliseConfig checks a configuration against it first, so a misspelt key or a wrong type is named by its path
 * (`accounts.solo.iamRoles[0].nmae`) instead of silently giving an empty world; value ranges are checked after.
 */
type Scalar = 'boolean' | 'integer' | 'number' | 'string'
type Shape =
  | Scalar
  | {either: [Scalar, Shape]}
  | {list: Shape}
  | {nullable: Shape}
  | {object: Record<string, Shape>; required?: string[]}
  | {record: Shape}

const role: Shape = {
  object: {allowWebIdentity: 'boolean', maxSessionDuration: 'integer', name: 'string', requireMfa: 'boolean'},
  required: ['name'],
}

/** An item of the central account table (dynamodb-config.ts). */
const accountItem: Shape = {
  object: {description: 'string', id: 'integer', name: 'string', region: {list: 'string'}, role: {list: 'string'}},
  required: ['name', 'role'],
}

const dynamodbTable: Shape = {
  object: {
    account: 'string',
    generate: {
      object: {
        count: 'integer',
        hops: {list: 'integer'},
        regions: {list: 'string'},
        role: 'string',
        via: {list: 'string'},
      },
      required: ['count'],
    },
    items: {list: accountItem},
    key: 'string',
    maxItemsPerPage: 'integer',
    region: 'string',
  },
  required: ['account'],
}

export const SANDBOX_CONFIG_SHAPE: Shape = {
  object: {
    accounts: {
      record: {
        object: {email: 'string', iamRoles: {list: role}, id: 'string', ssoRoles: {list: 'string'}},
        required: ['id'],
      },
    },
    autoApprove: 'boolean',
    defaultIamRoles: {list: role},
    defaultSsoRoles: {list: 'string'},
    dynamodb: {object: {tables: {record: dynamodbTable}}},
    faults: {
      object: {
        count: {nullable: 'integer'},
        kinds: {list: 'string'},
        rate: 'number',
        services: {list: 'string'},
        stallMs: 'integer',
        status: 'integer',
      },
    },
    generateAccounts: {
      either: [
        'integer',
        {object: {count: 'integer', firstIndex: 'integer', rolesPerAccount: 'integer'}, required: ['count']},
      ],
    },
    iamUsers: {
      list: {
        object: {
          accessKeys: {
            list: {
              object: {accessKeyId: 'string', secretAccessKey: 'string'},
              required: ['accessKeyId', 'secretAccessKey'],
            },
          },
          account: 'string',
          mfaDevices: {list: {object: {name: 'string', secret: 'string'}, required: ['secret']}},
          name: 'string',
        },
        required: ['name', 'account'],
      },
    },
    latencyMs: 'integer',
    mfa: {object: {rejectReusedCodes: 'boolean'}},
    rateLimit: {
      object: {
        portal: {nullable: {object: {burst: 'integer', requestsPerSecond: 'number'}, required: ['requestsPerSecond']}},
      },
    },
    region: 'string',
    sso: {
      object: {
        accessTokenLifetime: 'integer',
        clientRegistrationLifetime: 'integer',
        deviceCodeExpiresIn: 'integer',
        pollInterval: 'integer',
        refreshTokenLifetime: 'integer',
        roleCredentialLifetime: 'integer',
        rotateRefreshTokens: 'boolean',
        startUrl: 'string',
        user: 'string',
      },
    },
    webIdentity: {object: {issuers: {list: 'string'}}},
  },
}

const kindOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : typeof value

const describe = (shape: Shape): string => {
  if (typeof shape === 'string') return shape === 'integer' ? 'an integer' : `a ${shape}`
  if ('list' in shape) return 'a list'
  if ('either' in shape) return `${describe(shape.either[0])} or ${describe(shape.either[1])}`
  if ('nullable' in shape) return `${describe(shape.nullable)} or null`
  return 'an object'
}

const at = (path: string, key: string) => (path ? `${path}.${key}` : key)

function isScalar(value: unknown, type: Scalar): boolean {
  if (type === 'integer') return Number.isInteger(value)
  if (type === 'number') return typeof value === 'number' && Number.isFinite(value)
  return typeof value === type
}

/** The first place where `value` does not fit `shape`, as "<path>: <problem>"; undefined when it fits. */
export function shapeProblem(value: unknown, shape: Shape = SANDBOX_CONFIG_SHAPE, path = ''): string | undefined {
  const where = path || 'the configuration'
  if (typeof shape === 'string')
    return isScalar(value, shape) ? undefined : `${where}: must be ${describe(shape)}, not ${kindOf(value)}`
  if ('nullable' in shape) return value === null ? undefined : shapeProblem(value, shape.nullable, path)
  if ('either' in shape) {
    const [scalar, other] = shape.either
    return isScalar(value, scalar) ? undefined : shapeProblem(value, other, path)
  }

  if ('list' in shape) {
    if (!Array.isArray(value)) return `${where}: must be a list, not ${kindOf(value)}`
    return firstProblem(value.map((item, index) => [`${path}[${index}]`, item, shape.list]))
  }

  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return `${where}: must be an object, not ${kindOf(value)}`
  // JSON never holds undefined; a test's spread may leave one
  const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined)
  if ('record' in shape) return firstProblem(entries.map(([key, item]) => [at(path, key), item, shape.record]))
  const unknown = entries.find(([key]) => !shape.object[key])
  if (unknown)
    return `${at(path, unknown[0])}: unknown key (known here: ${Object.keys(shape.object).sort().join(', ')})`
  const problem = firstProblem(entries.map(([key, item]) => [at(path, key), item, shape.object[key]]))
  if (problem) return problem
  const missing = (shape.required ?? []).find((key) => !(key in (value as object)))
  return missing ? `${at(path, missing)}: is required` : undefined
}

function firstProblem(items: Array<[string, unknown, Shape]>): string | undefined {
  for (const [path, item, shape] of items) {
    const problem = shapeProblem(item, shape, path)
    if (problem) return problem
  }

  return undefined
}
