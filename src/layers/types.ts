/** What discovery and resolution know about the place the user stands. Unknown values are null, never absent. */
export type Location = 'account' | 'layer' | 'layers-group' | 'root'

export interface ProfileRef {
  account: null | string
  accountId: null | string
  name: string
  role: null | string
}

export interface LayerContext {
  account: null | string
  /** absolute path of the account folder (the one holding config/account.tfvars), null outside an account */
  accountDir: null | string
  accountId: null | string
  /** absolute path of <account>/config/backend.tfvars, null when there is no account or no such file */
  backendConfig: null | string
  backendProfile: null | string
  disabled: boolean
  /** path of the layer relative to root (forward slashes); null outside a layer */
  layer: null | string
  location: Location
  profiles: ProfileRef[]
  project: null | string
  region: null | string
  role: null | string
  root: string
  /** absolute paths, in the order terraform gets them: <root>/config/*.tfvars, then <account>/config/*.tfvars */
  varFiles: string[]
  warnings: string[]
}
