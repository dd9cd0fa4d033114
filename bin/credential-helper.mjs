#!/usr/bin/env node
// terrace's credential_process helper for the private AWS config file a wrapped command gets: prints the
// `Version: 1` JSON for one profile by asking the loopback endpoint of the terrace process that started the
// command. The endpoint and its token come from the environment the helper inherits
// (AWS_CONTAINER_CREDENTIALS_FULL_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN), never from its arguments or a file.
// Plain JavaScript, no dependencies: it runs once per credential lookup and must start fast.
import {get} from 'node:http'

const profile = process.argv[2]
const fullUri = process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI
const token = process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN

function fail(message) {
  process.stderr.write(`terrace credential helper: ${message}\n`)
  process.exit(1)
}

if (!profile) fail('usage: credential-helper.cjs <profile>')
if (!fullUri || !token) {
  fail(`profile "${profile}" works only inside a command terrace runs (terrace tf|aws|exec); its endpoint is gone`)
}

let url
try {
  url = new URL(`/profiles/${encodeURIComponent(profile)}`, fullUri)
} catch {
  fail('AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL')
}

if (url.protocol !== 'http:' || url.hostname !== '127.0.0.1') fail('the endpoint must be http://127.0.0.1')

const request = get(url, {headers: {authorization: token}, timeout: 120_000}, (response) => {
  let body = ''
  response.setEncoding('utf8')
  response.on('data', (chunk) => {
    body += chunk
  })
  response.on('end', () => {
    let parsed
    try {
      parsed = JSON.parse(body)
    } catch {
      fail(`the endpoint answered ${response.statusCode} without JSON`)
    }

    if (response.statusCode !== 200) fail(parsed.message || `the endpoint answered ${response.statusCode}`)
    const out = {
      AccessKeyId: parsed.AccessKeyId,
      Expiration: parsed.Expiration,
      SecretAccessKey: parsed.SecretAccessKey,
      SessionToken: parsed.Token,
      Version: 1,
    }
    process.stdout.write(`${JSON.stringify(out)}\n`)
  })
})
request.on('timeout', () => request.destroy(new Error('timed out')))
request.on('error', (error) =>
  fail(`cannot reach terrace's endpoint (${error.code || error.message}); has the command ended?`),
)
