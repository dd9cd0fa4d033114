variable "project" { type = string }
variable "region" { type = string }
variable "profile" { type = string }
variable "environment" { type = string }
