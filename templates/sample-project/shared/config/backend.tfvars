profile        = "bb-shared-devops"
bucket         = "bb-shared-terraform-backend"
dynamodb_table = "bb-shared-terraform-backend"
region         = "us-east-1"
encrypt        = true
