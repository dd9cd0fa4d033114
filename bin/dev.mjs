#!/usr/bin/env -S node --import tsx --no-warnings=ExperimentalWarning
// Development entry: runs src/ through tsx, no build needed (`./bin/dev.mjs tf plan`).
// eslint-disable-next-line n/no-unpublished-import -- development only: src/ is not in the package
import {main} from '../src/entry.ts'

await main(process.argv.slice(2), {development: true, dir: import.meta.url})
