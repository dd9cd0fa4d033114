environment = "apps-prd"
sso_role    = "DevOps"
