// Child process for the selection tests: opens the vault from this process's real environment (real keytar,
// real D-Bus address), does a round trip, prints what happened as JSON on stdout.
import {exitCodeOf, formatError} from '../../../src/lib/errors.js'
import {openVault} from '../../../src/vault/select.js'

const notices: string[] = []
try {
  const store = await openVault({
    env: process.env,
    home: process.env.TERRACE_HOME!,
    interactive: false,
    keychainService: `terrace-test-${process.pid}`,
    notice: (message) => notices.push(message),
    probeTimeoutMs: Number(process.env.PROBE_TIMEOUT_MS ?? 1500),
    scryptLogN: 10,
  })
  await store.set('probe-entry', 'value')
  const roundTrip = await store.get('probe-entry')
  await store.delete('probe-entry')
  process.stdout.write(JSON.stringify({description: store.description, kind: store.kind, notices, roundTrip}))
  process.exit(0)
} catch (error) {
  process.stdout.write(JSON.stringify({exitCode: exitCodeOf(error), notices, text: formatError(error)}))
  process.exit(exitCodeOf(error))
}
