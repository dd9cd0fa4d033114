terraform {
  backend "s3" {
    key = "shared/us-east-1/base-network/terraform.tfstate"
  }
}

provider "aws" {
  region  = var.region
  profile = var.profile
}
