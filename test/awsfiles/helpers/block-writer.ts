/** Child process for the concurrency test: writes `count` profiles named `<prefix>-<i>` one edit at a time. */
import {editAwsConfigFile} from '../../../src/awsfiles/config-file.js'

const [file, prefix, count] = process.argv.slice(2)
for (let i = 0; i < Number(count); i++) {
  await editAwsConfigFile(file, {set: [{name: `${prefix}-${i}`, settings: [['region', 'us-east-1']]}]})
}
