import {expect} from 'chai'

import {exitCodeOf} from '../../src/lib/errors.js'

/** What `fn` throws; fails the test when it returns instead. */
export function thrown<E = Error>(fn: () => unknown): E {
  try {
    fn()
  } catch (error) {
    return error as E
  }

  throw new Error('expected a throw')
}

/** What `promise` rejects with; fails the test when it resolves instead. */
export async function rejection<E = Error>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise
  } catch (error) {
    return error as E
  }

  throw new Error('expected a rejection')
}

/** The message of the usage error (exit 2) `fn` throws; fails the test on any other error, or none. */
export function usageProblem(fn: () => unknown): string {
  const error = thrown(fn)
  expect(exitCodeOf(error), String(error)).to.equal(2)
  return (error as Error).message
}
