profile        = "bb-security-devops"
bucket         = "bb-security-terraform-backend"
dynamodb_table = "bb-security-terraform-backend"
region         = "us-east-1"
encrypt        = true
