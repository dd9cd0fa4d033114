#!/usr/bin/env node
import {main} from '../dist/entry.js'

await main(process.argv.slice(2), {dir: import.meta.url})
