profile        = "bb-apps-prd-devops"
bucket         = "bb-apps-prd-terraform-backend"
dynamodb_table = "bb-apps-prd-terraform-backend"
region         = "us-east-1"
encrypt        = true
