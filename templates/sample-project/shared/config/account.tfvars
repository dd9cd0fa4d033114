environment = "shared"
sso_role    = "DevOps"
