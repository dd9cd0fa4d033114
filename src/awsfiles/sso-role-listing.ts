import {mapPool} from '../lib/worker-pool.js'
import {createPacer} from './pacer.js'

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
  now?: () => number
  /** called with (accounts listed, accounts in total) after each account */
  onProgress?: (done: number, total: number) => void
  /** portal requests per second, all listings together (default 20, AWS's budget) */
  perSecond?: number
  sleep?: (ms: number) => Promise<void>
}

/**
 * Every (account, role) the token reaches: ListAccounts page by page, then ListAccountRoles for each account
 * (paginated) concurrently, under the rate limit. Throttling is retried by the SDK client underneath; any failure
 * that survives its retries rejects the listing.
 */
export async function listReachableRoles(
  port: RoleListingPort,
  accessToken: string,
  options: ListingOptions = {},
): Promise<ReachableRole[]> {
  const pacer = createPacer(options.perSecond ?? 20, {now: options.now, sleep: options.sleep})
  const accounts: Array<{accountId: string; accountName?: string}> = []
  let nextToken: string | undefined
  do {
    await pacer.pace()
    const page = await port.listAccounts({accessToken, maxResults: 100, nextToken})
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
        await pacer.pace()
        const page = await port.listAccountRoles({
          accessToken,
          accountId: account.accountId,
          maxResults: 100,
          nextToken: token,
        })
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
