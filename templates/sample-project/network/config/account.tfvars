environment = "network"
sso_role    = "DevOps"
