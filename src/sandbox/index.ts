/** The sandbox: a local AWS emulator (SSO-OIDC, SSO portal, STS, IAM, DynamoDB Scan). Self-contained: node built-ins only. */
export type {ApiError} from './api-error.js'
export {sandboxBanner, untilSignal} from './banner.js'
export {DEFAULT_CONFIG_FILE, loadSandboxConfigFile, mergeOverTemplate, sandboxConfigFromFile} from './config-file.js'
export type {
  FaultKind,
  FaultSettings,
  RateLimitSettings,
  RuntimeSettings,
  SandboxConfig,
  SandboxConfigInput,
  ServiceName,
} from './config.js'
export {normaliseConfig, SandboxConfigError} from './config.js'
export {createControlClient} from './control-client.js'
export type {PendingUserCode, SandboxControl, SettingsPatch} from './control.js'
export {ControlError} from './control.js'
export type {LocateResult, RunningSandbox, SandboxExports, SandboxRecord} from './running-sandboxes.js'
export {
  DEFAULT_SANDBOX_PORT,
  exportLines,
  locateSandbox,
  probeSandbox,
  readSandboxRecords,
  removeSandboxRecord,
  writeSandboxRecord,
} from './running-sandboxes.js'
export type {Sandbox, SandboxEnv, SandboxOptions} from './server.js'
export {startSandbox} from './server.js'
export type {ExpireKind, LogEntry, SecretKind, SecretRecord} from './state.js'
export {totp, verifyTotp} from './totp.js'
