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
