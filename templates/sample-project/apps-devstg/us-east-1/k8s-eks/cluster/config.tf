terraform {
  backend "s3" {
    key = "apps-devstg/k8s-eks/cluster/terraform.tfstate"
  }
}

provider "aws" {
  region  = var.region
  profile = var.profile
}
