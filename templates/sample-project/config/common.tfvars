# Project-wide settings (a Leverage-layout sample project for terrace's demo and sandbox).
project      = "bb"
project_long = "binbash"

region_primary   = "us-east-1"
region_secondary = "us-east-2"

sso_enabled   = true
sso_start_url = "https://bb-sandbox.awsapps.com/start"
sso_region    = "us-east-1"

accounts = {
  management = {
    id    = "111111111111"
    email = "aws+management@example.com"
  }
  security = {
    id    = "222222222222"
    email = "aws+security@example.com"
  }
  shared = {
    id    = "333333333333"
    email = "aws+shared@example.com"
  }
  network = {
    id    = "444444444444"
    email = "aws+network@example.com"
  }
  apps-devstg = {
    id    = "555555555555"
    email = "aws+apps-devstg@example.com"
  }
  apps-prd = {
    id    = "666666666666"
    email = "aws+apps-prd@example.com"
  }
}
