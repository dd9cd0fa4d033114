environment = "apps-devstg"
sso_role    = "DevOps"
