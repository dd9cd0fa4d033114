/** The aws-sso integration type: IAM Identity Center accounts and roles as aws-sso-role sessions. */
import type {AwsSsoIntegration} from '../../workspace/integration.js'
import type {IntegrationDriver} from '../driver.js'

import {awsSsoLoggedInUntil, loginAwsSso, logoutAwsSso} from './login.js'
import {readAwsSso} from './source.js'

export const awsSsoDriver: IntegrationDriver<AwsSsoIntegration> = {
  loggedInUntil: awsSsoLoggedInUntil,
  login: loginAwsSso,
  logout: logoutAwsSso,
  read: readAwsSso,
}
