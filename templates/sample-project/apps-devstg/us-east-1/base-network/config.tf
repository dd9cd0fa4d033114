terraform {
  required_version = ">= 1.5"
  backend "s3" {
    key = "apps-devstg/base-network/terraform.tfstate"
  }
}

provider "aws" {
  region  = var.region
  profile = var.profile
}

# The network layer peers with the shared account: a second provider in another account.
provider "aws" {
  alias   = "shared"
  region  = var.region
  profile = "${var.project}-shared-devops"
}
