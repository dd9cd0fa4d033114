environment = "management"
sso_role    = "Administrator"
