profile        = "bb-management-administrator"
bucket         = "bb-management-terraform-backend"
dynamodb_table = "bb-management-terraform-backend"
region         = "us-east-1"
encrypt        = true
