profile        = "bb-network-devops"
bucket         = "bb-network-terraform-backend"
dynamodb_table = "bb-network-terraform-backend"
region         = "us-east-1"
encrypt        = true
