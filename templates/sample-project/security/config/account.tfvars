environment = "security"
sso_role    = "DevOps"
