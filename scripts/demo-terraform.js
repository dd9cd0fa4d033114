#!/usr/bin/env node
// A stand-in for terraform in the demo (terraform cannot be installed offline): it shows the arguments terrace
// gave it and asks STS who it is with the credentials it was handed, as terraform's AWS provider would.
import {createRequire} from 'node:module'

const args = process.argv.slice(2)
console.log(`  [terraform stand-in] cwd: ${process.cwd()}`)
console.log(`  [terraform stand-in] args: ${args.join(' ')}`)
if (['fmt', 'providers', 'validate', 'version'].includes(args[0])) process.exit(0)
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
const require = createRequire(new URL('../package.json', import.meta.url))
const {GetCallerIdentityCommand, STSClient} = require('@aws-sdk/client-sts')
const profiles = [undefined, ...(process.env.DEMO_PROFILES ?? '').split(',').filter(Boolean)]
for (const profile of profiles) {
  try {
    const sts = new STSClient({maxAttempts: 2, profile, region: process.env.AWS_REGION ?? 'us-east-1'})
    const me = await sts.send(new GetCallerIdentityCommand({}))
    console.log(`  [terraform stand-in] ${profile ? `profile ${profile}` : 'default credentials'}: ${me.Arn}`)
  } catch (error) {
    console.log(
      `  [terraform stand-in] ${profile ? `profile ${profile}` : 'default credentials'}: ${error.name}: ${error.message}`,
    )
  }
}
