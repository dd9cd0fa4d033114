terraform {
  backend "s3" {
    key = "management/global/organizations/terraform.tfstate"
  }
}

provider "aws" {
  region  = var.region
  profile = var.profile
}
