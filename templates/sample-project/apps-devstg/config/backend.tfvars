profile        = "bb-apps-devstg-devops"
bucket         = "bb-apps-devstg-terraform-backend"
dynamodb_table = "bb-apps-devstg-terraform-backend"
region         = "us-east-1"
encrypt        = true
