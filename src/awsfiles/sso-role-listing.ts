import {mapPool} from '../lib/worker-pool.js'
import {createPacer} from './pacer.js'
import {pacedRequest, type RequestCounts} from './portal-retry.js'

/** The two portal listings `--all` needs (a structural slice of auth's PortalPort: awsfiles imports no auth code). */
export interface RoleListingPort {
  listAccountRoles(input: {accessToken: string; accountId: string; maxResults?: number; nextToken?: string}): Promise<{
    nextToken?: string
    roles: Array<{accountId: string; roleName: string}>
  }>
  listAccounts(input: {accessToken: string; maxResults?: number; nextToken?: string}): Promise<{
    accounts: Array<{accountId: string; accountName?: string}>
    nextToken?: string
  }>
}

export interface ReachableRole {
  accountId: string
  accountName: null | string
  roleName: string
}

export interface ListingOptions {
  /** ListAccountRoles calls in flight at once (default 10) */
  concurrency?: number
  /** counted here as the listing goes: requests sent, throttled answers, retries */
  counts?: RequestCounts
  /** attempts per request (default 1: the SDK client retries underneath); see portal-retry.ts */
  maxAttempts?: number
  now?: () => number
  /** called with (accounts listed, accounts in total) after each account */
  onProgress?: (done: number, total: number) => void
  /** portal requests per second, all listings together (default 20, AWS's budget) */
  perSecond?: number
  /** aborts the listing (Ctrl-C): no request starts after it */
  signal?: AbortSignal
  sleep?: (ms: number) => Promise<void>
}

/**
 * Every (account, role) the token reaches: ListAccounts page by page, then ListAccountRoles for each account
 * (paginated) concurrently, under the rate limit, which slows down when the portal throttles. Throttled and failed
 * requests are retried up to maxAttempts (portal-retry.ts) on top of the SDK client's own retries; any failure that
 * survives them rejects the listing.
 */
export async function listReachableRoles(
  port: RoleListingPort,
  accessToken: string,
  options: ListingOptions = {},
): Promise<ReachableRole[]> {
  const pacer = createPacer(options.perSecond ?? 20, {now: options.now, sleep: options.sleep})
  const counts = options.counts ?? {requests: 0, retries: 0, throttled: 0}
  const retry = {maxAttempts: options.maxAttempts ?? 1, signal: options.signal, sleep: options.sleep}
  const request = <T>(call: () => Promise<T>) => pacedRequest(call, pacer, counts, retry)
  const accounts: Array<{accountId: string; accountName?: string}> = []
  let nextToken: string | undefined
  do {
    const token = nextToken
    const page = await request(() => port.listAccounts({accessToken, maxResults: 100, nextToken: token}))
    accounts.push(...page.accounts)
    nextToken = page.nextToken
  } while (nextToken)

  options.onProgress?.(0, accounts.length)
  const perAccount = await mapPool(
    accounts,
    options.concurrency ?? 10,
    async (account) => {
      const roles: ReachableRole[] = []
      let token: string | undefined
      do {
        const pageToken = token
        const page = await request(() =>
          port.listAccountRoles({accessToken, accountId: account.accountId, maxResults: 100, nextToken: pageToken}),
        )
        for (const role of page.roles)
          roles.push({accountId: account.accountId, accountName: account.accountName ?? null, roleName: role.roleName})
        token = page.nextToken
      } while (token)

      return roles
    },
    options.onProgress,
  )
  return perAccount.flat()
}
